package io.kuradps.provisioning.api;

import org.junit.jupiter.api.Test;

import nl.jqno.equalsverifier.EqualsVerifier;

class EqualsContractTest {

    @Test
    void assignment() {
        // Required by the builder; substatus, payload and certificate are optional.
        EqualsVerifier.forClass(Assignment.class)
                .withNonnullFields("assignedHub", "deviceId", "registrationId", "idScope", "assignedAt", "source")
                .verify();
    }

    @Test
    void issuedCertificate() {
        EqualsVerifier.forClass(IssuedCertificate.class)
                .withNonnullFields("sha256Fingerprint", "notAfter", "keystoreServicePid", "alias").verify();
    }

    @Test
    void provisioningStatus() {
        EqualsVerifier.forClass(ProvisioningStatus.class).withNonnullFields("state", "since").verify();
    }
}
