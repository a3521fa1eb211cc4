package io.kuradps.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.stream.Stream;

import io.kuradps.runtime.support.configuration.StandInConfigurationService;
import io.kuradps.runtime.support.ssl.StandInKeystoreService;
import io.kuradps.runtime.support.ssl.StandInSslManagerService;

/**
 * What a Kura installation brings for TLS before any add-on runs: the SSL keystore file and, in its
 * {@code snapshot_0.xml}, the SslManagerService instance {@value #SSL_MANAGER_PID} over the KeystoreService
 * instance {@value #KEYSTORE_PID} that serves that file. Kura's MqttDataTransport takes its TLS from that
 * SslManagerService by default, so the hub link's transport does too.
 * <p>
 * The snapshot is written only when Kura's data directory holds none (a first boot); afterwards the newest
 * snapshot, encrypted by the ConfigurationService, brings the instances back, as on Kura. The keystore file is
 * created empty when missing; the demo adds the simulator's CA to it at every start (the CA is new at every
 * start), as an integrator adds a private CA. Against real IoT Hub it stays as it is: the hub link's
 * {@code azure.root.cas} option adds Azure's roots (stock Kura's keystore holds only expired ones, kura.md).
 */
final class KuraSsl {

    /** Kura's SslManagerService instance, the one MqttDataTransport's {@code SslManagerService.target} names. */
    static final String SSL_MANAGER_PID = "org.eclipse.kura.ssl.SslManagerService";
    /** Kura's keystore instance for TLS, as its snapshot_0.xml names it. */
    static final String KEYSTORE_PID = "SSLKeystore";
    /** Kura's default keystore password (its snapshot_0.xml and the keystore metatype's default). */
    private static final String KEYSTORE_PASSWORD = "changeit";
    /** Under Kura's data directory, as Kura keeps {@code cacerts.ks} under its user/security directory. */
    private static final String KEYSTORE_FILE = "security/cacerts.ks";
    private static final String SIMULATOR_CA_ALIAS = "kura-dps-simulator-ca";

    private final Path keystore;

    private KuraSsl(Path keystore) {
        this.keystore = keystore;
    }

    /** The keystore file (created empty when missing) and, on a first boot, the snapshot naming the instances. */
    static KuraSsl install(Path kuraData) throws IOException, GeneralSecurityException {
        KuraSsl ssl = new KuraSsl(kuraData.resolve(KEYSTORE_FILE));
        if (!Files.exists(ssl.keystore)) {
            Files.createDirectories(ssl.keystore.getParent());
            ssl.save(emptyKeystore());
        }
        Path snapshots = kuraData.resolve(StandInConfigurationService.SNAPSHOTS_UNDER_DATA_DIRECTORY);
        if (!hasSnapshot(snapshots)) {
            Files.createDirectories(snapshots);
            Files.writeString(snapshots.resolve("snapshot_0.xml"), firstBootSnapshot(ssl.keystore),
                    StandardCharsets.UTF_8);
        }
        return ssl;
    }

    /** Trusts this CA (replacing the one a previous start trusted under the same alias). */
    void trust(String caCertificatePem) throws IOException, GeneralSecurityException {
        KeyStore store = load();
        store.setCertificateEntry(SIMULATOR_CA_ALIAS, CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caCertificatePem.getBytes(StandardCharsets.US_ASCII))));
        save(store);
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(this.keystore)) {
            store.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        return store;
    }

    private static KeyStore emptyKeystore() throws IOException, GeneralSecurityException {
        // The type the KeystoreService reads, as Kura's: the JVM's default.
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    /** Written beside and moved over, so that a keystore being read is never half written. */
    private void save(KeyStore store) throws IOException, GeneralSecurityException {
        Path temporary = Files.createTempFile(this.keystore.getParent(), "cacerts", ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            store.store(out, KEYSTORE_PASSWORD.toCharArray());
        }
        Files.move(temporary, this.keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean hasSnapshot(Path snapshots) throws IOException {
        if (!Files.isDirectory(snapshots)) {
            return false;
        }
        try (Stream<Path> files = Files.list(snapshots)) {
            return files.anyMatch(file -> file.getFileName().toString().matches("snapshot_[0-9]+\\.xml"));
        }
    }

    /** Plain, as Kura ships its snapshot_0.xml; the ConfigurationService encrypts it, password included. */
    private static String firstBootSnapshot(Path keystore) {
        return String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<esf:configurations xmlns:esf=\"http://eurotech.com/esf/2.0\""
                        + " xmlns:ocd=\"http://www.osgi.org/xmlns/metatype/v1.2.0\">",
                "  <esf:configuration pid=\"" + SSL_MANAGER_PID + "\">",
                "    <esf:properties>",
                property("service.factoryPid", "String", StandInSslManagerService.FACTORY_PID),
                property("KeystoreService.target", "String", "(kura.service.pid=" + KEYSTORE_PID + ")"),
                property("ssl.default.protocol", "String", "TLSv1.2"),
                "    </esf:properties>",
                "  </esf:configuration>",
                "  <esf:configuration pid=\"" + KEYSTORE_PID + "\">",
                "    <esf:properties>",
                property("service.factoryPid", "String", StandInKeystoreService.FACTORY_PID),
                property("keystore.path", "String", keystore.toAbsolutePath().toString()),
                property("keystore.password", "Password", KEYSTORE_PASSWORD),
                "    </esf:properties>",
                "  </esf:configuration>",
                "</esf:configurations>", "");
    }

    private static String property(String name, String type, String value) {
        return "      <esf:property array=\"false\" encrypted=\"false\" name=\"" + name + "\" type=\"" + type + "\">"
                + "<esf:value>" + xml(value) + "</esf:value></esf:property>";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
