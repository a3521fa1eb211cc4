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

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.transport.TrustAnchors;

class TransportTlsTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String DEVICE_SSL = "HubDeviceSslManagerService";

    private final ServiceSet<SslManagerService> sslManagers = new ServiceSet<>();
    private final ServiceSet<KeystoreService> keystores = new ServiceSet<>();
    private final Map<String, KeyStore.Entry> kuraKeystore = new LinkedHashMap<>();
    private final Map<String, KeyStore.Entry> deviceKeystore = new LinkedHashMap<>();
    private int writes;
    private final TransportTls tls = new TransportTls(sslManagers, keystores,
            Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));

    TransportTlsTest() {
        sslManagers.bound(inert(SslManagerService.class), sslManager(KuraReferences.DEFAULT_SSL_MANAGER_PID,
                "SSLKeystore"));
        sslManagers.bound(inert(SslManagerService.class), sslManager(DEVICE_SSL, "HubDeviceKeystore"));
        keystores.bound(keystore(kuraKeystore), pid("SSLKeystore"));
        keystores.bound(keystore(deviceKeystore), pid("HubDeviceKeystore"));
    }

    @Test
    void theAzureRootsGoToTheKeystoreOfTheDefaultSslManagerServiceOnceAndOnlyWhenMissing() throws Exception {
        tls.prepare(TRANSPORT, new HashMap<>(), false, true);

        assertThat(kuraKeystore).containsOnlyKeys("azure-digicert-global-root-g2",
                "azure-microsoft-rsa-root-certificate-authority-2017");
        assertThat(deviceKeystore).isEmpty();
        kuraKeystore.clear();
        tls.prepare(TRANSPORT, new HashMap<>(), false, true);
        assertThat(kuraKeystore).as("once per keystore in an activation").isEmpty();
        assertThat(writes).isEqualTo(2);
    }

    @Test
    void withoutTheOptInAndForASymmetricKeyNothingIsTouched() throws Exception {
        tls.prepare(TRANSPORT, transportUsing("(kura.service.pid=nothing-there)"), false, false);

        assertThat(writes).isZero();
    }

    @Test
    void x509OnKurasDefaultSslManagerServiceIsRefusedNamingThePropertyToSet() {
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, new HashMap<>(), true, false))
                .isInstanceOf(HubConfigurationException.class)
                .hasMessageStartingWith("SslManagerService.target of transport " + TRANSPORT + ": ")
                .hasMessageContaining("(kura.service.pid=<that SslManagerService>)");
    }

    @Test
    void x509WithADedicatedSslManagerServiceHoldingOnlyTheDeviceKeyPasses() throws Exception {
        deviceKeystore.put("device", keyEntry());

        tls.prepare(TRANSPORT, transportUsing(KuraReferences.target(DEVICE_SSL)), true, true);

        assertThat(deviceKeystore).containsKeys("device", "azure-digicert-global-root-g2");
    }

    @Test
    void x509WithAKeystoreOfTwoKeysOrNoneIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, transportUsing(KuraReferences.target(DEVICE_SSL)), true,
                false)).hasMessageStartingWith("KeystoreService.target of SslManagerService " + DEVICE_SSL)
                        .hasMessageContaining("holds no key");
        deviceKeystore.put("device", keyEntry());
        deviceKeystore.put("other", keyEntry());
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, transportUsing(KuraReferences.target(DEVICE_SSL)), true,
                false)).hasMessageContaining("holds 2 keys [device, other]");
    }

    @Test
    void aTargetNoServiceMatchesIsNamed() {
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, transportUsing("(kura.service.pid=missing)"), false, true))
                .hasMessage("SslManagerService.target of transport " + TRANSPORT
                        + ": no SslManagerService matches (kura.service.pid=missing) (yet)");
        assertThatThrownBy(() -> tls.prepare(TRANSPORT, transportUsing("(kura.service.pid=missing"), false, true))
                .hasMessageContaining("is not an LDAP filter");
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
