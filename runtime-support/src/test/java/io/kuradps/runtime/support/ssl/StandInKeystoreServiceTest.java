package io.kuradps.runtime.support.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

import io.kuradps.runtime.support.crypto.DemoCryptoService;

class StandInKeystoreServiceTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    private final DemoCryptoService crypto = new DemoCryptoService();

    StandInKeystoreServiceTest() throws Exception {
    }

    private StandInKeystoreService keystore(Path file, Object password) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("keystore.path", file.toString());
        properties.put("keystore.password", password);
        properties.put("kura.service.pid", "SSLKeystore");
        return new StandInKeystoreService(this.crypto, properties);
    }

    private Path emptyKeystore(String name) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        Path file = this.directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, PASSWORD);
        }
        return file;
    }

    @Test
    void aKeystoreFileThatDoesNotExistFailsEveryCallAsInKura() {
        StandInKeystoreService missing = keystore(this.directory.resolve("none.p12"), "changeit");

        assertThatThrownBy(missing::getAliases).isInstanceOf(KuraException.class)
                .satisfies(e -> assertThat(((KuraException) e).getCode()).isEqualTo(KuraErrorCode.BAD_REQUEST));
    }

    @Test
    void entrySetIsInTheFileAndTheEncryptedPasswordOpensIt() throws Exception {
        Path file = emptyKeystore("ssl.p12");
        StandInKeystoreService keystore = keystore(file, new String(this.crypto.encryptAes(PASSWORD)));
        KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(
                Paths.get(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            jdk.load(in, null);
        }
        String alias = jdk.aliases().nextElement();

        keystore.setEntry("root", new KeyStore.TrustedCertificateEntry(jdk.getCertificate(alias)));

        assertThat(keystore(file, "changeit").getAliases()).containsExactly("root");
        assertThat(keystore.getEntry("root")).isInstanceOf(KeyStore.TrustedCertificateEntry.class);
        keystore.deleteEntry("root");
        assertThat(keystore.getAliases()).isEmpty();
    }

    @Test
    void sslManagerTellsItsListenersWhenItsKeystoreChangesAndRoutesItsSockets() throws Exception {
        Path file = emptyKeystore("ssl.p12");
        List<SSLSocketFactory> routed = new ArrayList<>();
        StandInSslManagerService ssl = new StandInSslManagerService(keystore(file, "changeit"), "SSLKeystore",
                tls -> {
                    routed.add(tls);
                    return tls;
                }, Map.of("ssl.default.protocol", "TLSv1.2"));
        List<String> told = new ArrayList<>();
        ssl.addListener(() -> told.add("updated"));

        ssl.getSSLSocketFactory();
        ssl.handleEvent(new Event("org/eclipse/kura/security/keystore/KeystoreChangedEvent/KEYSTORE_CHANGED",
                Map.of("sender.pid", "HttpsKeystore")));
        ssl.handleEvent(new Event("org/eclipse/kura/security/keystore/KeystoreChangedEvent/KEYSTORE_CHANGED",
                Map.of("sender.pid", "SSLKeystore")));

        assertThat(routed).hasSize(1);
        assertThat(told).containsExactly("updated");
    }
}
