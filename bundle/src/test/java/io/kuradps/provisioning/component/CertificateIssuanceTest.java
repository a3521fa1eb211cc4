package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.provisioning.transport.AliasKeyManager;
import io.kuradps.provisioning.transport.TestCertificates;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.HubCounters;

/**
 * The real registrar with a KeystoreService that creates keys and CSRs, against the simulator: symmetric-key and
 * X.509 onboarding end with an issued certificate in the keystore that the hub accepts, a renewal replaces it only
 * once the new one is validated, DPS's refusal of the CSR leaves the keystore as it was, and no key material is
 * ever read outside the keystore.
 */
class CertificateIssuanceTest {

    static final String PID = "DeviceKeystore";
    static final String ALIAS = "dps-device";

    @TempDir
    static Path files;
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).hubPort(0)
                .idScope("0ne00000A0A").caDirectory(files).pollsBeforeAssignment(1)
                .issuedCertificateValidity(Duration.ofDays(30))
                .enrollments(Enrollments.of(
                        Enrollment.individual("gw-issued", Attestation.symmetricKey(TestConfigs.DEVICE_KEY))
                                .withCertificateIssuance(true),
                        Enrollment.individual("gw-x509-issued", Attestation.x509BySimulatorCa())
                                .withCertificateIssuance(true),
                        Enrollment.individual("gw-no-policy", Attestation.symmetricKey(TestConfigs.DEVICE_KEY))))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    final IssuingKeystore keystore = new IssuingKeystore();
    final DpsRegistrar registrar = new DpsRegistrar(new KuraKeystores(KeystoreDoubles.context(
            Collections.singletonMap(PID, keystore.service))), new ServiceClock(java.time.Clock.systemUTC()));

    @Test
    void aSymmetricKeyOnboardingEndsWithAnIssuedCertificateTheHubAccepts() throws Exception {
        ProvisioningConfig.Registration registration = registration("gw-issued");
        assertThat(registration.settings.apiVersion()).isEqualTo(ApiVersions.CERTIFICATE_ISSUANCE);

        Assignment assignment = assigned(registration);

        X509Certificate leaf = keystore.leaf(ALIAS);
        IssuedCertificate certificate = assignment.certificate().get();
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=gw-issued");
        assertThat(leaf.getIssuerX500Principal()).isNotEqualTo(leaf.getSubjectX500Principal());
        assertThat(certificate.sha256Fingerprint()).isEqualTo(sha256(leaf));
        assertThat(certificate.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
        assertThat(certificate.keystoreServicePid()).isEqualTo(PID);
        assertThat(certificate.alias()).isEqualTo(ALIAS);
        assertThat(((KeyStore.PrivateKeyEntry) keystore.entry(ALIAS)).getCertificateChain()).hasSize(2);
        assertThat(keystore.entry(ALIAS + CertificateRequest.PENDING_SUFFIX)).isNull();
        assertThat(keystore.writes).containsExactly("createKeyPair dps-device.pending", "setEntry dps-device",
                "deleteEntry dps-device.pending");
        assertThat(keystore.keyMaterialReads).hasValue(0);
        assertThat(assignment.toString()).contains(certificate.sha256Fingerprint());

        connectToTheHub(assignment);
        assertThat(keystore.keyMaterialReads).as("the hub link signs inside the keystore too").hasValue(0);
    }

    @Test
    void anX509OnboardingGetsItsOwnIssuedCertificate() throws Exception {
        DeviceIdentity onboarding = simulator.issueDeviceCertificate("gw-x509-issued");
        Path p12 = Files.write(files.resolve("onboarding.p12"), onboarding.pkcs12());
        Assignment assignment = assigned(TestConfigs.registration(config("gw-x509-issued", "attestation", "x509",
                "symmetric.key", "", "x509.pkcs12.path", p12.toString(), "x509.pkcs12.password",
                new String(onboarding.password()))));

        X509Certificate issued = keystore.leaf(ALIAS);
        assertThat(issued.getPublicKey()).isNotEqualTo(onboarding.keyStore().getCertificate(DeviceIdentity.ALIAS)
                .getPublicKey());
        assertThat(assignment.certificate().get().sha256Fingerprint()).isEqualTo(sha256(issued));
        connectToTheHub(assignment);
        assertThat(keystore.keyMaterialReads).hasValue(0);
    }

    @Test
    void aRenewalReplacesTheCertificateOnlyOnceTheNewOneIsStored() throws Exception {
        KeyStore.PrivateKeyEntry old = TestCertificates.selfSignedKeyEntry("gw-issued");
        keystore.put(ALIAS, old);
        X509Certificate oldLeaf = keystore.leaf(ALIAS);

        Assignment renewed = assigned(registration("gw-issued"));

        assertThat(keystore.leaf(ALIAS)).isNotEqualTo(oldLeaf);
        assertThat(keystore.leaf(ALIAS).getPublicKey()).isNotEqualTo(old.getCertificate().getPublicKey());
        assertThat(renewed.certificate().get().sha256Fingerprint()).isEqualTo(sha256(keystore.leaf(ALIAS)));
        assertThat(keystore.writes).as("the entry in force is written once, after the new key has its certificate")
                .containsExactly("createKeyPair dps-device.pending", "setEntry dps-device",
                        "deleteEntry dps-device.pending");
    }

    @Test
    void aRefusedCsrLeavesTheCertificateInForceAndDropsTheNewKey() throws Exception {
        keystore.put(ALIAS, TestCertificates.selfSignedKeyEntry("gw-no-policy"));
        X509Certificate held = keystore.leaf(ALIAS);

        RunOutcome outcome = registrar.register(registration("gw-no-policy"), retrying -> { });

        Failure failure = outcome.failure().get();
        assertThat(outcome.assignment()).isEmpty();
        assertThat(failure.code()).isEqualTo(400000);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.message()).contains("no credential policy");
        assertThat(failure.explanation()).contains("Azure Device Registry credential policy");
        assertThat(keystore.leaf(ALIAS)).isEqualTo(held);
        assertThat(keystore.entry(ALIAS + CertificateRequest.PENDING_SUFFIX)).isNull();
        assertThat(keystore.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
    }

    @Test
    void aKeystoreThatCannotCreateKeysFailsClearlyBeforeAnythingIsSent() throws Exception {
        keystore.refusesKeyCreation = true;
        long registersBefore = simulator.counters().registers();

        assertThatThrownBy(() -> registrar.register(registration("gw-issued"), retrying -> { }))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("certificate.keystore.service.pid: KeystoreService DeviceKeystore cannot create a EC "
                        + "256-bit key pair (BAD_REQUEST); choose a KeystoreService that can, or another "
                        + "certificate.key.type");
        assertThat(simulator.counters().registers()).isEqualTo(registersBefore);
        assertThat(keystore.writes).as("nothing was created; the cleanup finds nothing").containsExactly(
                "deleteEntry dps-device.pending");

        KuraKeystores none = new KuraKeystores(KeystoreDoubles.context(Collections.emptyMap()));
        assertThatThrownBy(() -> new DpsRegistrar(none, new ServiceClock(java.time.Clock.systemUTC()))
                .register(registration("gw-issued"), retrying -> { }))
                .hasMessageStartingWith("certificate.keystore.service.pid: no KeystoreService");
        KuraKeystores readOnly = new KuraKeystores(KeystoreDoubles.context(Collections.singletonMap(PID,
                KeystoreDoubles.nonExtractable(KeystoreDoubles.store(Collections.emptyMap(), Collections.emptyMap())))));
        assertThatThrownBy(() -> new DpsRegistrar(readOnly, new ServiceClock(java.time.Clock.systemUTC()))
                .register(registration("gw-issued"), retrying -> { }))
                .hasMessageContaining("cannot create a EC 256-bit key pair (UnsupportedOperationException)");
    }

    @Test
    void rsaKeysAreRequestedWithTheirOwnSignature() throws Exception {
        Assignment assignment = assigned(TestConfigs.registration(config("gw-issued", "certificate.key.type",
                "rsa-2048")));
        assertThat(keystore.leaf(ALIAS).getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(assignment.certificate()).isPresent();
    }

    private Assignment assigned(ProvisioningConfig.Registration registration) throws Exception {
        RunOutcome outcome = registrar.register(registration, retrying -> { });
        assertThat(outcome.failure()).as("failure").isEmpty();
        return outcome.assignment().get();
    }

    /** The hub link's way: the KeystoreService's key managers, narrowed to the alias; no password. */
    private void connectToTheHub(Assignment assignment) throws Exception {
        List<KeyManager> managers = keystore.service.getKeyManagers(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pemCertificate(simulator.caCertificatePem()));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLSv1.2");
        tls.init(new KeyManager[] { AliasKeyManager.forAlias(managers, ALIAS).get() },
                trustManagers.getTrustManagers(), null);
        String hub = assignment.assignedHub();
        String deviceId = assignment.deviceId();
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(hub + "/" + deviceId + "/?api-version=2021-04-12");
        options.setSocketFactory(simulator.hub().socketFactory(tls.getSocketFactory()));
        try (MqttClient client = new MqttClient("ssl://" + hub + ":8883", deviceId, new MemoryPersistence())) {
            client.connect(options);
            client.publish("devices/" + deviceId + "/messages/events/", "{}".getBytes(StandardCharsets.UTF_8), 1,
                    false);
            client.disconnect();
        }
        assertThat(simulator.hub().counters().await(deviceId, HubCounters.EventKind.TELEMETRY, 1,
                Duration.ofSeconds(10))).as("last refusal: %s", simulator.hub().counters().lastRefusal(deviceId))
                .isTrue();
    }

    private static ProvisioningConfig.Registration registration(String registrationId) throws Exception {
        return TestConfigs.registration(config(registrationId));
    }

    private static DpsProvisionerConfig config(String registrationId, Object... more) {
        List<Object> values = new ArrayList<>(Arrays.asList("registration.id", registrationId, "id.scope",
                "0ne00000A0A", "global.endpoint", "localhost:" + simulator.mqttPort(), "ca.file",
                simulator.caCertificateFile().toString(), "certificate.issuance", true,
                "certificate.keystore.service.pid", PID, "certificate.keystore.alias", ALIAS));
        values.addAll(Arrays.asList(more));
        return TestConfigs.valid(values.toArray());
    }

    static String sha256(X509Certificate certificate) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format(Locale.ROOT, "%02X", b));
        }
        return hex.toString();
    }

    private static X509Certificate pemCertificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
