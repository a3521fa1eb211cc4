package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.transport.TrustAnchors;

class TransportTlsTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String DEVICE_SSL = "HubDeviceSslManagerService";

    private final ServiceSet<SslManagerService> sslManagers = new ServiceSet<>();
    private final ServiceSet<KeystoreService> keystores = new ServiceSet<>();
    private final Map<String, KeyStore.Entry> kuraKeystore = new LinkedHashMap<>();
    private final Map<String, KeyStore.Entry> deviceKeystore = new LinkedHashMap<>();
    private int writes;
    private final KuraFakes.Configurations configurations = new KuraFakes.Configurations();
    private final TransportTls tls = new TransportTls(configurations.service, sslManagers, keystores,
            Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));

    TransportTlsTest() {
        bind(sslManagers, inert(SslManagerService.class), sslManager(KuraReferences.SSL_MANAGER_PID,
                "SSLKeystore"));
        bind(sslManagers, inert(SslManagerService.class), sslManager(DEVICE_SSL, "HubDeviceKeystore"));
        bind(keystores, keystore(kuraKeystore), pid("SSLKeystore"));
        bind(keystores, keystore(deviceKeystore), pid("HubDeviceKeystore"));
    }

    /** A keystore write makes Kura close every SSL transport (kura.md fact 3): the hub link is told of each. */
    @Test
    void theAzureRootsGoToTheKeystoreOfTheDefaultSslManagerServiceOnceAndOnlyWhenMissing() throws Exception {
        assertThat(prepare(new HashMap<>(), false, true)).as("a keystore was written").isTrue();

        assertThat(kuraKeystore).containsOnlyKeys("azure-digicert-global-root-g2",
                "azure-microsoft-rsa-root-certificate-authority-2017");
        assertThat(deviceKeystore).isEmpty();
        kuraKeystore.clear();
        assertThat(prepare(new HashMap<>(), false, true)).isFalse();
        assertThat(kuraKeystore).as("once per keystore in an activation").isEmpty();
        assertThat(writes).isEqualTo(2);
    }

    @Test
    void withoutTheOptInAndForASymmetricKeyNothingIsTouched() throws Exception {
        assertThat(prepare(transportUsing("(kura.service.pid=nothing-there)"), false, false)).isFalse();

        assertThat(writes).isZero();
    }

    @Test
    void x509OnKurasDefaultSslManagerServiceIsRefusedNamingThePropertyToSet() {
        assertThatThrownBy(() -> prepare(new HashMap<>(), true, false))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("SslManagerService.target of transport " + TRANSPORT + ": ")
                .hasMessageContaining("(kura.service.pid=<that SslManagerService>)");
    }

    @Test
    void x509WithADedicatedSslManagerServiceHoldingOnlyTheDeviceKeyPasses() throws Exception {
        deviceKeystore.put("device", keyEntry());

        prepare(transportUsing(KuraReferences.target(DEVICE_SSL)), true, true);

        assertThat(deviceKeystore).containsKeys("device", "azure-digicert-global-root-g2");
    }

    @Test
    void x509WithAKeystoreOfTwoKeysOrNoneIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> prepare(transportUsing(KuraReferences.target(DEVICE_SSL)), true,
                false)).hasMessageStartingWith("KeystoreService.target of SslManagerService " + DEVICE_SSL)
                        .hasMessageContaining("holds no key");
        deviceKeystore.put("device", keyEntry());
        deviceKeystore.put("other", keyEntry());
        assertThatThrownBy(() -> prepare(transportUsing(KuraReferences.target(DEVICE_SSL)), true,
                false)).hasMessageContaining("holds 2 keys [device, other]");
    }

    @Test
    void aTargetNoServiceMatchesIsNamed() {
        assertThatThrownBy(() -> prepare(transportUsing("(kura.service.pid=missing)"), false, true))
                .hasMessage("SslManagerService.target of transport " + TRANSPORT
                        + ": no SslManagerService matches (kura.service.pid=missing) (yet)");
        assertThatThrownBy(() -> prepare(transportUsing("(kura.service.pid=missing"), false, true))
                .hasMessageContaining("is not an LDAP filter");
    }

    @Test
    void anIssuedCertificateGetsAnSslManagerServiceOverItsKeystoreCreatedOnceThroughKura() throws Exception {
        Map<String, KeyStore.Entry> issuedKeystore = new LinkedHashMap<>();
        issuedKeystore.put("dps-device", keyEntry());
        bind(keystores, keystore(issuedKeystore), pid("DeviceKeystore"));

        String target = prepareIssued(issued("DeviceKeystore", "dps-device"), true);

        assertThat(target).isEqualTo("(kura.service.pid=DeviceKeystore-SslManagerService)");
        assertThat(configurations.created).containsExactly("DeviceKeystore-SslManagerService");
        assertThat(configurations.tracked.get("DeviceKeystore-SslManagerService"))
                .containsEntry("KeystoreService.target", "(kura.service.pid=DeviceKeystore)")
                .as("trusting what the transport's SslManagerService (Kura's default) trusted")
                .containsEntry("TruststoreKeystoreService.target", "(kura.service.pid=SSLKeystore)");
        assertThat(kuraKeystore).as("the hub's roots, where the new SslManagerService takes its trust")
                .containsKeys("azure-digicert-global-root-g2");
        assertThat(issuedKeystore).containsOnlyKeys("dps-device");

        // Registered meanwhile, or not yet: either way it is not created twice.
        assertThat(prepareIssued(issued("DeviceKeystore", "dps-device"), true)).isEqualTo(target);
        Map<String, Object> created = sslManager("DeviceKeystore-SslManagerService", "DeviceKeystore");
        created.put(KuraReferences.TRUSTSTORE_TARGET, "(kura.service.pid=SSLKeystore)");
        bind(sslManagers, inert(SslManagerService.class), created);
        assertThat(prepareIssued(issued("DeviceKeystore", "dps-device"), true)).isEqualTo(target);
        assertThat(configurations.created).hasSize(1);
        assertThat(configurations.updates).isEmpty();
    }

    /** Kura's rule (SslManagerServiceImpl.getTrustManagers): the truststore target's keystore, else the keystore's. */
    @Test
    void theTrustOfAnSslManagerServiceIsReadAsKuraPicksIt() {
        Map<String, Object> ownTrust = sslManager("TrustingSsl", "HubDeviceKeystore");
        ownTrust.put(KuraReferences.TRUSTSTORE_TARGET, "(kura.service.pid=SSLKeystore)");
        bind(sslManagers, inert(SslManagerService.class), ownTrust);
        Map<String, Object> changeme = sslManager("FallingBackSsl", "HubDeviceKeystore");
        changeme.put(KuraReferences.TRUSTSTORE_TARGET, "(kura.service.pid=changeme)");
        bind(sslManagers, inert(SslManagerService.class), changeme);

        assertThat(tls.seen(Optional.empty(), KuraReferences.target("TrustingSsl")).transportTrust())
                .hasValue("SSLKeystore");
        assertThat(tls.seen(Optional.empty(), KuraReferences.target("FallingBackSsl")).transportTrust())
                .hasValue("HubDeviceKeystore");
        SslManagersSeen none = tls.seen(Optional.of("Elsewhere"), "(kura.service.pid=missing");
        assertThat(none.transportTrust()).isEmpty();
        assertThat(none.sslManagerOverKey()).isEmpty();
        assertThat(none.defaultTrust()).hasValue("SSLKeystore");
        assertThat(tls.seen(Optional.of("HubDeviceKeystore"), KuraReferences.DEFAULT_SSL_MANAGER_TARGET)
                .sslManagerOverKey()).hasValue(DEVICE_SSL);
    }

    /** An X.509 enrollment from a keystore gets the same as an issued certificate, and the same refusal. */
    @Test
    void anX509EnrollmentKeystoreGetsItsSslManagerServiceAndHoldingAnotherKeyIsRefusedNamingTheField()
            throws Exception {
        Map<String, KeyStore.Entry> enrollment = singleKey("device");
        bind(keystores, keystore(enrollment), pid("EnrollmentKeystore"));
        TlsPlan plan = TlsPlan.keystoreKey(new KeystoreKey("EnrollmentKeystore", "device"),
                TlsPlan.KeyOrigin.X509_ENROLLMENT, tls.seen(Optional.of("EnrollmentKeystore"),
                        KuraReferences.DEFAULT_SSL_MANAGER_TARGET), false);

        tls.prepare(TRANSPORT, plan);

        assertThat(configurations.tracked.get("EnrollmentKeystore-SslManagerService"))
                .containsEntry("KeystoreService.target", "(kura.service.pid=EnrollmentKeystore)")
                .containsEntry("TruststoreKeystoreService.target", "(kura.service.pid=SSLKeystore)");
        enrollment.put("other", keyEntry());
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, plan)).isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("KeystoreService EnrollmentKeystore of the X.509 enrollment: holds 2 keys "
                        + "[device, other]")
                .hasMessageContaining("give x509.keystore.service.pid a KeystoreService of its own");
    }

    @Test
    void anSslManagerServiceAlreadyOverTheIssuedKeystoreIsUsedAsItIs() throws Exception {
        deviceKeystore.put("dps-device", keyEntry());

        assertThat(prepareIssued(issued("HubDeviceKeystore", "dps-device"), false))
                .isEqualTo(KuraReferences.target(DEVICE_SSL));
        assertThat(configurations.created).isEmpty();
        assertThat(writes).isZero();
    }

    @Test
    void theNamedSslManagerServicePointingElsewhereIsPointedAtTheIssuedKeystore() throws Exception {
        bind(keystores, keystore(singleKey("dps-device")), pid("DeviceKeystore"));
        configurations.create("DeviceKeystore-SslManagerService", sslManager("DeviceKeystore-SslManagerService",
                "SSLKeystore"));

        prepareIssued(issued("DeviceKeystore", "dps-device"), false);

        assertThat(configurations.created).hasSize(1);
        assertThat(configurations.lastUpdate().pid).isEqualTo("DeviceKeystore-SslManagerService");
        assertThat(configurations.lastUpdate().properties)
                .containsEntry("KeystoreService.target", "(kura.service.pid=DeviceKeystore)")
                .containsEntry("TruststoreKeystoreService.target", "(kura.service.pid=SSLKeystore)");
    }

    @Test
    void anIssuedKeystoreHoldingAnotherKeyOrNotYetTheIssuedOneIsRefusedNamingIt() throws Exception {
        Map<String, KeyStore.Entry> shared = singleKey("dps-device");
        shared.put("other", keyEntry());
        bind(keystores, keystore(shared), pid("DeviceKeystore"));

        assertThatThrownBy(() -> prepareIssued(issued("DeviceKeystore", "dps-device"), true))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("KeystoreService DeviceKeystore of the issued certificate: holds 2 keys "
                        + "[dps-device, other]")
                .hasMessageContaining("certificate.keystore.service.pid");
        shared.remove("dps-device");
        assertThatThrownBy(() -> prepareIssued(issued("DeviceKeystore", "dps-device"), true))
                .hasMessageContaining("holds only the key [other]");
        assertThatThrownBy(() -> prepareIssued(issued("Missing", "dps-device"), true))
                .hasMessage("KeystoreService Missing of the issued certificate: is not registered (yet)");
        assertThat(configurations.created).as("nothing set up for a keystore that cannot serve").isEmpty();
        assertThat(shared).doesNotContainKey("azure-digicert-global-root-g2");
    }

    /** What the hub link has carried out for a SAS token or an X.509 enrollment on a transport so configured. */
    private boolean prepare(Map<String, Object> transport, boolean x509, boolean addAzureRoots) throws Exception {
        String target = KuraReferences.sslManagerTarget(transport);
        return tls.prepare(TRANSPORT, x509 ? TlsPlan.enrollment(target, addAzureRoots)
                : TlsPlan.sasToken(target, addAzureRoots));
    }

    /** What the hub link has carried out for an issued certificate; the transport's SslManagerService target. */
    private String prepareIssued(IssuedCertificate certificate, boolean addAzureRoots) throws Exception {
        TlsPlan plan = TlsPlan.keystoreKey(new KeystoreKey(certificate.keystoreServicePid(), certificate.alias()),
                TlsPlan.KeyOrigin.ISSUED_CERTIFICATE, tls.seen(Optional.of(certificate.keystoreServicePid()),
                        KuraReferences.DEFAULT_SSL_MANAGER_TARGET), addAzureRoots);
        tls.prepare(TRANSPORT, plan);
        return plan.sslManagerTarget();
    }

    private static <S> void bind(ServiceSet<S> services, S service, Map<String, Object> properties) {
        services.bound(service, KuraFakes.reference(properties));
    }

    private static IssuedCertificate issued(String keystorePid, String alias) {
        return new IssuedCertificate("AB12", Instant.parse("2027-01-01T00:00:00Z"), keystorePid, alias);
    }

    private static Map<String, KeyStore.Entry> singleKey(String alias) throws Exception {
        Map<String, KeyStore.Entry> entries = new LinkedHashMap<>();
        entries.put(alias, keyEntry());
        return entries;
    }

    private static Map<String, Object> transportUsing(String sslTarget) {
        Map<String, Object> transport = new HashMap<>();
        transport.put(KuraReferences.SSL_MANAGER_TARGET, sslTarget);
        return transport;
    }

    private static Map<String, Object> pid(String pid) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationService.KURA_SERVICE_PID, pid);
        return properties;
    }

    private static Map<String, Object> sslManager(String pid, String keystorePid) {
        Map<String, Object> properties = pid(pid);
        properties.put(KuraReferences.KEYSTORE_TARGET, KuraReferences.target(keystorePid));
        return properties;
    }

    /** A key entry as a keystore returns it; the chain need not belong to the key for these checks. */
    private static KeyStore.PrivateKeyEntry keyEntry() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        return new KeyStore.PrivateKeyEntry(generator.generateKeyPair().getPrivate(),
                new Certificate[] { TrustAnchors.bundledRoots().get(0) });
    }

    private KeystoreService keystore(Map<String, KeyStore.Entry> entries) {
        return (KeystoreService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { KeystoreService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getEntries":
                            return new LinkedHashMap<>(entries);
                        case "setEntry":
                            writes++;
                            entries.put((String) args[0], (KeyStore.Entry) args[1]);
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static <T> T inert(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(TransportTlsTest.class.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                }));
    }
}
