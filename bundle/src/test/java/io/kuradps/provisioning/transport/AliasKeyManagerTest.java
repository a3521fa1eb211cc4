package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AliasKeyManagerTest {

    private static final char[] PASSWORD = "store".toCharArray();
    private static KeyStore.PrivateKeyEntry device;
    private static List<KeyManager> managers;

    @BeforeAll
    static void storeWithTwoKeysAndACertificate() throws Exception {
        device = TestCertificates.selfSignedKeyEntry("gateway-1");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry("other", TestCertificates.selfSignedKeyEntry("other"), new KeyStore.PasswordProtection(PASSWORD));
        store.setEntry("device", device, new KeyStore.PasswordProtection(PASSWORD));
        store.setCertificateEntry("ca", new TestCertificates("dps.example.com").ca);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD);
        managers = Arrays.asList(factory.getKeyManagers());
    }

    @Test
    void presentsOnlyTheConfiguredKeyEntry() {
        AliasKeyManager manager = AliasKeyManager.forAlias(managers, "device").orElseThrow();

        assertThat(manager.chooseClientAlias(new String[] { "RSA", "EC" }, null, null)).isEqualTo("device");
        assertThat(manager.chooseEngineClientAlias(new String[] { "EC" }, null, null)).isEqualTo("device");
        assertThat(manager.getClientAliases("EC", null)).containsExactly("device");
        assertThat(manager.getPrivateKey("device")).isEqualTo(device.getPrivateKey());
        assertThat(manager.getCertificateChain("device")).containsExactly((X509Certificate) device.getCertificateChain()[0]);
        assertThat(manager.getPrivateKey("other")).isNull();
        assertThat(manager.getCertificateChain("other")).isNull();
        assertThat(manager.chooseServerAlias("EC", null, null)).isNull();
    }

    @Test
    void aKeyTheServerCannotVerifyIsNotOffered() {
        AliasKeyManager manager = AliasKeyManager.forAlias(managers, "device").orElseThrow();

        // The key is EC; a server asking only for RSA gets no certificate rather than one it would refuse.
        assertThat(manager.chooseClientAlias(new String[] { "RSA" }, null, null)).isNull();
        assertThat(manager.getClientAliases("RSA", null)).isNull();
    }

    @Test
    void aCertificateEntryOrAMissingAliasIsNoIdentity() {
        assertThat(AliasKeyManager.forAlias(managers, "ca")).isEmpty();
        assertThat(AliasKeyManager.forAlias(managers, "nothing")).isEmpty();
        assertThat(AliasKeyManager.keyAliases(managers)).containsExactly("device", "other");
    }
}
