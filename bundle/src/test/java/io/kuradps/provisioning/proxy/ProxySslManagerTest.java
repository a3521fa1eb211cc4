package io.kuradps.provisioning.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.HubConnectValues;
import io.kuradps.provisioning.protocol.HubSasTokens;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import io.kuradps.provisioning.transport.TlsSocketFactories;
import io.kuradps.provisioning.transport.TrustAnchors;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.HubCounters;
import io.kuradps.testsupport.proxy.LoopbackConnectProxy;

/**
 * ProxySslManager as Kura's MqttDataTransport uses an SslManagerService: Paho with the no-argument socket factory
 * and an ssl:// broker URL, through a real HTTP proxy (Jetty's ConnectHandler) to the simulator's IoT hub. The hub
 * name resolves only in the proxy (loopback-hosts); the hub picks the hub by TLS server name, so the end-to-end
 * TLS is checked as well.
 */
class ProxySslManagerTest {

    private static final String HUB = "proxied-hub.azure-devices.net";
    private static final String KEY = "cHJveGllZC1rZXktZm9yLXRlc3RzLW9ubHktMDEyMzQ1Ng==";
    private static final String SECRET = "proxy-secret-4711";

    @TempDir
    static Path caDirectory;
    private static DpsSimulator simulator;
    private static SSLSocketFactory trustingSimulator;

    @BeforeAll
    static void start() throws Exception {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).hubPort(0)
                .hubWebSocketPort(-1).idScope("0ne00000A0A").caDirectory(caDirectory)
                .enrollments(Enrollments.of(
                        Enrollment.individual("proxied-gw-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB)))
                .start();
        trustingSimulator = TlsSocketFactories.create(TrustAnchors.readCertificates(simulator.caCertificateFile()),
                null);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void kurasConnectionReachesTheHubThroughTheProxy() throws Exception {
        DeviceRegistration assigned = provision("proxied-gw-1");
        String deviceId = assigned.deviceId().get();
        try (LoopbackConnectProxy proxy = LoopbackConnectProxy.start().requireBasic("gateway", SECRET)) {
            ProxySslManager manager = manager(proxy, "gateway", SECRET);
            try (MqttClient client = hubClient(deviceId)) {
                client.connect(options(assigned, manager.getSSLSocketFactory()));
                client.publish(HubConnectValues.telemetryTopic(deviceId),
                        "{\"t\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(simulator.hub().counters().await(deviceId, HubCounters.EventKind.TELEMETRY, 1,
                        Duration.ofSeconds(10))).as("telemetry accepted; last refusal: %s",
                                simulator.hub().counters().lastRefusal(deviceId)).isTrue();
                assertThat(simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED)).isEqualTo(1);
                client.disconnect();
            }
            assertThat(proxy.connectTargets()).containsExactly(HUB + ":" + simulator.hub().mqttPort());
            assertThat(proxy.tunnelsOpened()).isEqualTo(1);
        }
    }

    @Test
    void refusedCredentialsAreNamedWithoutThePassword() throws Exception {
        DeviceRegistration assigned = provision("proxied-gw-1");
        try (LoopbackConnectProxy proxy = LoopbackConnectProxy.start().requireBasic("gateway", "another-secret")) {
            ProxySslManager manager = manager(proxy, "gateway", SECRET);
            try (MqttClient client = hubClient(assigned.deviceId().get())) {
                MqttException refused = assertThrows(MqttException.class,
                        () -> client.connect(options(assigned, manager.getSSLSocketFactory())));
                String messages = messages(refused);
                assertThat(messages).contains("407").contains("proxy.username").contains("proxy.password")
                        .contains(ProxySslManager.PID).doesNotContain(SECRET);
            }
            assertThat(proxy.tunnelsOpened()).isZero();
        }
    }

    @Test
    void withoutAProxyHostTheDelegatesFactoriesAreHandedOutUnchanged() throws Exception {
        ProxySslManager manager = new ProxySslManager();
        manager.setDelegate(new FakeSslManager());
        manager.configure(Configs.of(ProxySslManagerConfig.class));
        assertThat(manager.getSSLSocketFactory()).isSameAs(trustingSimulator);
        assertThat(manager.getSSLSocketFactory("alias")).isSameAs(trustingSimulator);
    }

    @Test
    void aBadProxyValueIsNamed() {
        Map<String, Object> values = new HashMap<>();
        values.put("proxy.host", "http://proxy.example");
        ProxySslManager manager = new ProxySslManager();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> manager.configure(Configs.of(ProxySslManagerConfig.class, values)));
        assertThat(bad.getMessage()).startsWith("proxy.host: ");
    }

    private static ProxySslManager manager(LoopbackConnectProxy proxy, String username, String password) {
        Map<String, Object> values = new HashMap<>();
        values.put("proxy.host", "127.0.0.1");
        values.put("proxy.port", proxy.port());
        values.put("proxy.username", username);
        values.put("proxy.password", password);
        ProxySslManager manager = new ProxySslManager();
        manager.setDelegate(new FakeSslManager());
        manager.configure(Configs.of(ProxySslManagerConfig.class, values));
        return manager;
    }

    private static DeviceRegistration provision(String registrationId) throws Exception {
        RegistrationSettings settings = RegistrationSettings.builder().idScope("0ne00000A0A")
                .registrationId(registrationId).credentials(Credentials.symmetricKey(KEY)).apiVersion("2021-06-01")
                .userAgent("kura-dps-test").responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofSeconds(60)).build();
        DpsEndpoint endpoint = new DpsEndpoint("localhost", simulator.mqttPort(), false, trustingSimulator);
        return new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(5))
                .run(new RegistrationFlow(settings, Clock.systemUTC(), new Random()), retrying -> { })
                .registration().orElseThrow(() -> new AssertionError("not assigned"));
    }

    /** The broker URL as Kura's transport would be configured: the hub's name, the simulated hub's port. */
    private static MqttClient hubClient(String deviceId) throws MqttException {
        return new MqttClient("ssl://" + HUB + ":" + simulator.hub().mqttPort(), HubConnectValues.clientId(deviceId),
                new MemoryPersistence());
    }

    private static MqttConnectOptions options(DeviceRegistration assigned, SSLSocketFactory factory)
            throws Exception {
        String hub = assigned.assignedHub().get();
        String deviceId = assigned.deviceId().get();
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(HubConnectValues.username(hub, deviceId, null));
        options.setPassword(HubSasTokens.deviceToken(hub, deviceId, KEY, Instant.now().getEpochSecond() + 600)
                .toCharArray());
        options.setSocketFactory(factory);
        options.setHttpsHostnameVerificationEnabled(true);
        return options;
    }

    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    /** Kura's SslManagerService as far as the transport uses it: factories that trust the simulator's CA. */
    private static final class FakeSslManager implements SslManagerService {

        @Override
        public SSLContext getSSLContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SSLContext getSSLContext(String keyAlias) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SSLSocketFactory getSSLSocketFactory() {
            return trustingSimulator;
        }

        @Override
        public SSLSocketFactory getSSLSocketFactory(String keyAlias) {
            return trustingSimulator;
        }

        @Override
        public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
                String keyStorePath, char[] keyStorePassword, String keyAlias) {
            return trustingSimulator;
        }

        @Override
        public SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
                String keyStorePath, char[] keyStorePassword, String keyAlias, boolean hostnameVerification) {
            return trustingSimulator;
        }

        @Override
        public X509Certificate[] getTrustCertificates() {
            return new X509Certificate[0];
        }

        @Override
        public void installTrustCertificate(String alias, X509Certificate x509crt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteTrustCertificate(String alias) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void installPrivateKey(String alias, PrivateKey privateKey, char[] password,
                Certificate[] publicCerts) {
            throw new UnsupportedOperationException();
        }
    }
}
