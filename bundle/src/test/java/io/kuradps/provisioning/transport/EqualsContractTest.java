package io.kuradps.provisioning.transport;

import org.junit.jupiter.api.Test;

import nl.jqno.equalsverifier.EqualsVerifier;

class EqualsContractTest {

    @Test
    void httpProxy() {
        EqualsVerifier.forClass(HttpProxy.class).withNonnullFields("host").verify();
    }
}
