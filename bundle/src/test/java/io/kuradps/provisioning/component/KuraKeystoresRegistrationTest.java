package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.net.ssl.KeyManager;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.FlowResult;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import io.kuradps.provisioning.transport.TestCertificates;
import io.kuradps.provisioning.transport.TlsSocketFactories;
import io.kuradps.provisioning.transport.TrustAnchors;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registrations against the DPS simulator with the identity and the trust taken from Kura KeystoreServices. */
class KuraKeystoresRegistrationTest {

    static final String ID_SCOPE = "0ne00000A0A";
    static final String KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    static final String HUB = "hub-a.azure-devices.net";

    @TempDir
    static Path caDirectory;
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0).idScope(ID_SCOPE)
                .caDirectory(caDirectory)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.individual("gateway-x509", Attestation.x509BySimulatorCa()).withIotHubs(HUB)))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void x509FromAKeystoreWhoseKeysCannotBeReadOut() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gateway-x509");
        KeyStore.PrivateKeyEntry deviceKey = (KeyStore.PrivateKeyEntry) device.keyStore().getEntry(
                DeviceIdentity.ALIAS, new KeyStore.PasswordProtection(device.password()));
        // Another key first, so a key manager that picked any key would present the wrong one.
        KeyStore store = KeystoreDoubles.store(
                Map.of("a-other-key", TestCertificates.selfSignedKeyEntry("gateway-x509"), "dps-device", deviceKey),
                Map.of());
        KuraKeystores keystores = new KuraKeystores(
                KeystoreDoubles.context(Map.of("SSLKeystore", KeystoreDoubles.nonExtractable(store))));
        PrivateKey exported = ((KeyStore.PrivateKeyEntry) KeystoreDoubles.nonExtractable(store)
                .getEntry("dps-device")).getPrivateKey();
        assertThat(exported.getEncoded()).as("the stand-in keeps the key in its store").isNull();

        FlowResult result = register("gateway-x509", Credentials.x509(), simulatorCa(),
                keystores.identity("SSLKeystore", "dps-device"));

        assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
    }

    @Test
    void aCaOnlyInTheNamedKeystoreIsTrusted() throws Exception {
        // The simulator's CA sits among the key and trusted entries of a keystore, as one added in Kura's
        // certificate page does; no ca.file is involved.
        KeyStore store = KeystoreDoubles.store(Map.of("unrelated-key", TestCertificates.selfSignedKeyEntry("x")),
                Map.of("simulator-ca", simulatorCa().get(0)));
        KuraKeystores keystores = new KuraKeystores(
                KeystoreDoubles.context(Map.of("CaKeystore", KeystoreDoubles.readableStore(store))));
        List<X509Certificate> trusted = new ArrayList<>(TrustAnchors.bundledRoots());
        trusted.addAll(keystores.trustedCertificates("CaKeystore"));

        FlowResult result = register("gateway-1", Credentials.symmetricKey(KEY), trusted, null);

        assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
    }

    private static List<X509Certificate> simulatorCa() throws Exception {
        return TrustAnchors.readCertificates(simulator.caCertificateFile());
    }

    private static FlowResult register(String registrationId, Credentials credentials, List<X509Certificate> trusted,
            KeyManager[] identity) throws Exception {
        RegistrationSettings settings = RegistrationSettings.builder().idScope(ID_SCOPE)
                .registrationId(registrationId).credentials(credentials).apiVersion("2021-06-01")
                .userAgent("kura-dps-test").responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofSeconds(60)).backoffBase(Duration.ofMillis(100))
                .backoffMax(Duration.ofMillis(500)).build();
        DpsEndpoint endpoint = new DpsEndpoint("localhost", simulator.mqttPort(), false,
                TlsSocketFactories.create(trusted, identity));
        return new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(3))
                .run(new RegistrationFlow(settings, Clock.systemUTC(), new Random()), retrying -> { });
    }
}
