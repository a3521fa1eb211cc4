package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

import io.kuradps.provisioning.transport.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KuraKeystoresTest {

    private static KeyStore.PrivateKeyEntry device;
    private static X509Certificate ca;
    private static KuraKeystores keystores;

    @BeforeAll
    static void keystores() throws Exception {
        device = TestCertificates.selfSignedKeyEntry("gateway-1");
        ca = (X509Certificate) TestCertificates.selfSignedKeyEntry("kura-dps test CA").getCertificate();
        KeyStore store = KeystoreDoubles.store(
                Map.of("device", device, "other", TestCertificates.selfSignedKeyEntry("other")), Map.of("ca", ca));
        keystores = new KuraKeystores(KeystoreDoubles.context(Map.of(
                "SSLKeystore", KeystoreDoubles.nonExtractable(store),
                "TrustKeystore", KeystoreDoubles.readableStore(store),
                "EmptyKeystore", KeystoreDoubles.readableStore(KeystoreDoubles.store(Map.of(), Map.of())),
                "BrokenKeystore", KeystoreDoubles.failing())));
    }

    @Test
    void theIdentityComesFromTheKeystoresKeyManagersWithoutReadingTheEntry() throws Exception {
        KeyManager[] identity = keystores.identity("SSLKeystore", "device");

        assertThat(identity).hasSize(1);
        X509KeyManager manager = (X509KeyManager) identity[0];
        assertThat(manager.chooseClientAlias(new String[] { "EC" }, null, null)).isEqualTo("device");
        assertThat(manager.getCertificateChain("device")).containsExactly((X509Certificate) device.getCertificateChain()[0]);
        assertThat(manager.getPrivateKey("other")).isNull();
    }

    @Test
    void anAliasThatIsNoKeyEntryIsNamedWithTheKeyEntriesThereAre() {
        assertThatThrownBy(() -> keystores.identity("SSLKeystore", "ca"))
                .hasMessage("x509.keystore.alias: 'ca' is not a key entry (private key with certificate chain) of "
                        + "KeystoreService SSLKeystore; its key entries: device, other");
        assertThatThrownBy(() -> keystores.identity("SSLKeystore", "dps"))
                .hasMessageStartingWith("x509.keystore.alias: 'dps' is not a key entry");
    }

    @Test
    void aMissingMalformedOrFailingKeystoreIsNamedByItsFieldAndOnlyAMissingOneIsAwaited() {
        assertThatThrownBy(() -> keystores.identity("HttpsKeystore", "device"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("x509.keystore.service.pid: no KeystoreService with kura.service.pid=HttpsKeystore is "
                        + "registered; waiting for it");
        assertThatThrownBy(() -> keystores.identity("bad(pid", "device"))
                .hasMessageStartingWith("x509.keystore.service.pid: 'bad(pid'");
        assertThatThrownBy(() -> keystores.identity("BrokenKeystore", "device"))
                .hasMessage("x509.keystore.service.pid: KeystoreService BrokenKeystore failed: INTERNAL_ERROR");
        assertThatThrownBy(() -> keystores.trustedCertificates("HttpsKeystore"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("ca.keystore.service.pid: no KeystoreService with kura.service.pid=HttpsKeystore is "
                        + "registered; waiting for it");
        assertThatThrownBy(() -> keystores.trustedCertificates("BrokenKeystore"))
                .isNotInstanceOf(MissingServiceException.class)
                .hasMessage("ca.keystore.service.pid: KeystoreService BrokenKeystore failed: INTERNAL_ERROR");
    }

    @Test
    void trustTakesOnlyTheTrustedCertificateEntries() throws Exception {
        assertThat(keystores.trustedCertificates("TrustKeystore")).containsExactly(ca);
        assertThatThrownBy(() -> keystores.trustedCertificates("EmptyKeystore"))
                .hasMessage("ca.keystore.service.pid: KeystoreService EmptyKeystore holds no trusted certificate "
                        + "entry");
    }
}
