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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
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
        return new StandInKeystoreService(this.crypto, properties(file, password));
    }

    private static Map<String, Object> properties(Path file, Object password) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("keystore.path", file.toString());
        properties.put("keystore.password", password);
        properties.put("kura.service.pid", "SSLKeystore");
        return properties;
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
    void aPathWithNoFileGetsAnEmptyKeystoreWithTheConfiguredPasswordAsInKura() throws Exception {
        Path file = this.directory.resolve("dps-cert.ks");

        StandInKeystoreService created = keystore(file, new String(this.crypto.encryptAes(PASSWORD)));

        assertThat(created.getAliases()).isEmpty();
        KeyStore onDisk = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            onDisk.load(in, PASSWORD);
        }
        assertThat(onDisk.size()).isZero();
    }

    @Test
    void aZeroByteFileIsLeftAsItIsAndEveryCallFailsAsInKura() throws Exception {
        Path file = Files.createFile(this.directory.resolve("empty.ks"));

        StandInKeystoreService zeroBytes = keystore(file, "changeit");

        assertThatThrownBy(zeroBytes::getAliases).isInstanceOf(KuraException.class)
                .hasMessageContaining("Failed to get the KeyStore")
                .satisfies(e -> assertThat(((KuraException) e).getCode()).isEqualTo(KuraErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> zeroBytes.createKeyPair("device", "EC", 384, "SHA384withECDSA", "CN=gw"))
                .isInstanceOf(KuraException.class).hasMessageContaining("Failed to get the KeyStore");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void aChangedPasswordReprotectsTheKeystoreAndItsKeys() throws Exception {
        Path file = this.directory.resolve("device.ks");
        StandInKeystoreService keystore = keystore(file, "changeit");
        keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=gw");

        keystore.modified(properties(file, new String(this.crypto.encryptAes("n3w-secret".toCharArray()))));

        KeyStore onDisk = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(file)) {
            onDisk.load(in, "n3w-secret".toCharArray());
        }
        assertThat(onDisk.getKey("device", "n3w-secret".toCharArray())).isNotNull();
        assertThat(keystore.getEntry("device")).isInstanceOf(KeyStore.PrivateKeyEntry.class);
    }

    @Test
    void aWrongConfiguredPasswordFallsBackToTheOneTheCryptoServiceKeepsForThePath() throws Exception {
        Path file = emptyKeystore("kept.ks");
        this.crypto.setKeyStorePassword(file.toString(), PASSWORD);

        assertThat(keystore(file, "not-the-password").getAliases()).isEmpty();
    }

    /**
     * Kura's randomize.password: the keystore gets a random password, which the CryptoService keeps and the
     * ConfigurationService gets back as a Password, with randomize.password false, once it tracks the PID.
     */
    @Test
    void randomizePasswordGivesTheKeystoreARandomPasswordWrittenBackThroughTheConfigurationService()
            throws Exception {
        Path file = this.directory.resolve("random.ks");
        Map<String, Object> properties = properties(file, "changeit");
        properties.put("randomize.password", true);
        BlockingQueue<Map<String, Object>> written = new LinkedBlockingQueue<>();

        StandInKeystoreService keystore = new StandInKeystoreService(this.crypto,
                TrackingConfigurationService.writingTo(written), properties);
        try {
            Map<String, Object> update = written.poll(10, TimeUnit.SECONDS);

            assertThat(update).as("written back within 10 s").isNotNull().containsEntry("randomize.password", false);
            char[] random = ((Password) update.get("keystore.password")).getPassword();
            assertThat(new String(random)).isNotEqualTo("changeit").hasSizeGreaterThanOrEqualTo(20);
            KeyStore onDisk = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(file)) {
                onDisk.load(in, random);
            }
            assertThat(this.crypto.getKeyStorePassword(file.toString())).containsExactly(random);
            assertThat(keystore.getAliases()).isEmpty();
        } finally {
            keystore.deactivate();
        }
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
    void sslManagerTellsItsListenersOfAKeystoreChangedEventOfItsKeystoreOnlyAndRoutesItsSockets() throws Exception {
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
        ssl.handleEvent(new KeystoreChangedEvent("HttpsKeystore"));
        ssl.handleEvent(new Event(KeystoreChangedEvent.EVENT_TOPIC, Map.of("sender.pid", "SSLKeystore")));
        ssl.handleEvent(new KeystoreChangedEvent("SSLKeystore"));

        assertThat(routed).hasSize(1);
        assertThat(told).containsExactly("updated");
    }
}
