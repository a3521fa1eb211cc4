package io.kuradps.provisioning.hub;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.kura.KeystoreKey;
import nl.jqno.equalsverifier.EqualsVerifier;

/**
 * The hub link's settings are values: a configuration written again with the same values is the same settings; so is
 * the keystore key it presents.
 */
class EqualsContractTest {

    @Test
    void hubLinkSettings() {
        EqualsVerifier.forClass(HubLinkSettings.class).withNonnullFields("transportPid", "modelId").verify();
    }

    @Test
    void tokenRenewal() {
        EqualsVerifier.forClass(TokenRenewal.class).withNonnullFields("lifetime").verify();
    }

    @Test
    void keystoreKey() {
        EqualsVerifier.forClass(KeystoreKey.class).withNonnullFields("keystorePid", "alias").verify();
    }
}
