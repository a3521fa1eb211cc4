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
import java.util.Map;
import java.security.interfaces.ECPublicKey;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.kura.security.keystore.KeystoreService;
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
import io.kuradps.provisioning.testing.LogCapture;
import io.kuradps.provisioning.transport.AliasKeyManager;
import io.kuradps.provisioning.transport.TestCertificates;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.HubCounters;

/**
 * The real registrar with KeystoreServices that create keys and CSRs, against the simulator: symmetric-key and
 * X.509 onboarding end with an issued certificate in the keystore that the hub accepts, a renewal replaces it only
 * once the new one is validated, with one write to the certificate's keystore and never a pending key in it, DPS's
 * refusal of the CSR leaves the keystore as it was, and no key material is ever read outside the keystores.
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

    static final String PENDING_PID = CertificateRequest.PENDING_KEYSTORE_PID;

    /** The certificate's keystore, which the transport's SslManagerService presents from. */
    final IssuingKeystore keystore = new IssuingKeystore();
    /** Where a new key waits for its certificate: a file keystore beside it. */
    final IssuingKeystore pending = new IssuingKeystore(keystore);
    final DpsRegistrar registrar = registrar(Map.of(PID, keystore.service, PENDING_PID, pending.service));

    static DpsRegistrar registrar(Map<String, KeystoreService> keystores) {
        return new DpsRegistrar(new KuraKeystores(KeystoreDoubles.context(keystores)),
                new ServiceClock(java.time.Clock.systemUTC()));
    }

    @Test
    void aSymmetricKeyOnboardingEndsWithAnIssuedCertificateTheHubAccepts() throws Exception {
        ProvisioningConfig.Registration registration = registration("gw-issued");
        assertThat(registration.settings.apiVersion()).isEqualTo(ApiVersions.CERTIFICATE_ISSUANCE);

        Assignment assignment = assigned(registration);

        X509Certificate leaf = keystore.leaf(ALIAS);
        IssuedCertificate certificate = assignment.certificate().get();
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=gw-issued");
        assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .as("the default key: EC P-384, the one Azure takes").isEqualTo(384);
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(leaf.getIssuerX500Principal()).isNotEqualTo(leaf.getSubjectX500Principal());
        assertThat(certificate.sha256Fingerprint()).isEqualTo(sha256(leaf));
        assertThat(certificate.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
        assertThat(certificate.keystoreServicePid()).isEqualTo(PID);
        assertThat(certificate.alias()).isEqualTo(ALIAS);
        assertThat(((KeyStore.PrivateKeyEntry) keystore.entry(ALIAS)).getCertificateChain()).hasSize(2);
        assertThat(keystore.writes).as("one change of the keystore the transport presents from")
                .containsExactly("setEntry dps-device");
        assertThat(pending.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
        assertThat(pending.entry(ALIAS + CertificateRequest.PENDING_SUFFIX)).isNull();
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
        assertThat(keystore.writes).as("the entry in force is written once, after the new key has its certificate; "
                + "the new key never sat beside it").containsExactly("setEntry dps-device");
        assertThat(pending.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
        assertThat(keystore.keyMaterialReads).hasValue(0);
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
        assertThat(keystore.writes).isEmpty();
        assertThat(pending.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
    }

    @Test
    void aKeystoreThatCannotCreateKeysFailsClearlyBeforeAnythingIsSentAndLeavesNothingToDelete() throws Exception {
        pending.refusesKeyCreation = true;
        long registersBefore = simulator.counters().registers();

        assertThatThrownBy(() -> registrar.register(registration("gw-issued"), retrying -> { }))
                .isInstanceOf(InvalidConfigurationException.class)
                .isNotInstanceOf(MissingServiceException.class)
                .hasMessage("certificate.keystore.service.pid: KeystoreService KuraDpsPendingKeystore cannot create a EC "
                        + "384-bit key pair (BAD_REQUEST); choose another certificate.key.type");
        assertThat(simulator.counters().registers()).isEqualTo(registersBefore);
        assertThat(pending.writes).as("nothing was created, so nothing is deleted").isEmpty();
        assertThat(keystore.writes).isEmpty();
    }

    @Test
    void aKeystoreThatIsNotRegisteredYetIsAwaitedBeforeAnythingIsSent() throws Exception {
        long registersBefore = simulator.counters().registers();

        assertThatThrownBy(() -> registrar(Map.of(PENDING_PID, pending.service)).register(registration("gw-issued"),
                retrying -> { }))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("certificate.keystore.service.pid: no KeystoreService with kura.service.pid=DeviceKeystore "
                        + "is registered; waiting for it");
        assertThatThrownBy(() -> registrar(Map.of(PID, keystore.service)).register(registration("gw-issued"),
                retrying -> { }))
                .isInstanceOf(MissingServiceException.class)
                .hasMessageContaining("kura.service.pid=KuraDpsPendingKeystore");
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> registrar(Map.of()).register(registration("gw-issued"), retrying -> { }))
                    .isInstanceOf(MissingServiceException.class);
            assertThat(log.lines("WARN")).as("no key pair was made, so none is said to be left behind").isEmpty();
        }
        assertThat(simulator.counters().registers()).isEqualTo(registersBefore);
        assertThat(keystore.writes).isEmpty();
        assertThat(pending.writes).isEmpty();
    }

    /**
     * Kura 5.5's PKCS#11 KeystoreService takes no entries (setEntry: OPERATION_NOT_SUPPORTED): it cannot keep an issued
     * certificate. The run fails by name once DPS has answered, the pending key is dropped, nothing else changes. (The
     * double throws UnsupportedOperationException where Kura's throws KuraException(OPERATION_NOT_SUPPORTED).)
     */
    @Test
    void aCertificateKeystoreThatTakesNoEntriesFailsByNameAndDropsThePendingKey() throws Exception {
        KeystoreService token = KeystoreDoubles.nonExtractable(KeystoreDoubles.store(Collections.emptyMap(),
                Collections.emptyMap()));

        assertThatThrownBy(() -> registrar(Map.of(PID, token, PENDING_PID, pending.service))
                .register(registration("gw-issued"), retrying -> { }))
                .isInstanceOf(InvalidConfigurationException.class)
                .isNotInstanceOf(MissingServiceException.class)
                .hasMessageStartingWith("certificate.keystore.service.pid: KeystoreService DeviceKeystore cannot store "
                        + "the issued certificate and its key under dps-device (UnsupportedOperationException)");
        assertThat(pending.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
    }

    @Test
    void aKeyTypeAzureRefusesIsRefusedByDpsNamingTheKey() throws Exception {
        keystore.put(ALIAS, TestCertificates.selfSignedKeyEntry("gw-issued"));
        X509Certificate held = keystore.leaf(ALIAS);

        RunOutcome outcome = registrar.register(TestConfigs.registration(config("gw-issued", "certificate.key.type",
                "rsa-2048")), retrying -> { });

        assertThat(outcome.failure().get().code()).isEqualTo(400000);
        assertThat(outcome.failure().get().message()).contains("the CSR's key is RSA 2048",
                "takes EC P-384 keys only");
        assertThat(keystore.leaf(ALIAS)).isEqualTo(held);
        assertThat(keystore.writes).isEmpty();
        assertThat(pending.writes).containsExactly("createKeyPair dps-device.pending",
                "deleteEntry dps-device.pending");
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
