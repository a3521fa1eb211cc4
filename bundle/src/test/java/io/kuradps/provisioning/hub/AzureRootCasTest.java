package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.jupiter.api.Test;

class AzureRootCasTest {

    private static final Date DEC_2026 = Date.from(Instant.parse("2026-12-01T00:00:00Z"));

    private final Map<String, KeyStore.Entry> entries = new LinkedHashMap<>();
    private final KeystoreService keystore = (KeystoreService) Proxy.newProxyInstance(
            KeystoreService.class.getClassLoader(), new Class<?>[] { KeystoreService.class }, (p, m, a) -> {
                switch (m.getName()) {
                    case "getEntries":
                        return new LinkedHashMap<>(entries);
                    case "setEntry":
                        entries.put((String) a[0], (KeyStore.Entry) a[1]);
                        return null;
                    default:
                        throw new UnsupportedOperationException(m.getName());
                }
            });

    @Test
    void addsTheValidAzureRootsOnceAndLeavesTheExpiredOneOut() throws Exception {
        assertThat(AzureRootCas.addMissing(keystore, DEC_2026)).containsExactly("azure-digicert-global-root-g2",
                "azure-microsoft-rsa-root-certificate-authority-2017");
        assertThat(entries.values()).allSatisfy(e -> assertThat(e).isInstanceOf(KeyStore.TrustedCertificateEntry.class));

        assertThat(AzureRootCas.addMissing(keystore, DEC_2026)).isEmpty();
        assertThat(entries).hasSize(2);
    }

    @Test
    void aRootAlreadyTrustedUnderAnotherAliasIsNotAddedAgain() throws Exception {
        AzureRootCas.addMissing(keystore, DEC_2026);
        KeyStore.Entry digicert = entries.remove("azure-digicert-global-root-g2");
        entries.put("digicertglobalrootg2", digicert);

        assertThat(AzureRootCas.addMissing(keystore, DEC_2026)).isEmpty();
    }
}
