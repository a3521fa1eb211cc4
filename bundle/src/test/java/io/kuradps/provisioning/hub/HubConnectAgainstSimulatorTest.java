package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DerivedKeys;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.HubConnectValues;
import io.kuradps.provisioning.protocol.HubSasTokens;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import io.kuradps.provisioning.transport.TlsSocketFactories;
import io.kuradps.provisioning.transport.TrustAnchors;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.HubCounters;

/**
 * The transport values and the token the hub link computes, used as Kura's MqttDataTransport would (Paho, the
 * broker URL's host, the username, client id and password), are accepted by the simulator's IoT hub, an
 * implementation that shares no code with the bundle. Hub names reach loopback through its socket factory; the
 * surefire hosts file makes every other name lookup fail locally.
 */
class HubConnectAgainstSimulatorTest {

    private static final String HUB = "kura-dps-test-hub.azure-devices.net";
    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU=";
    private static final String GROUP_KEY = "Z3JvdXAta2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY=";

    @TempDir
    static Path caDirectory;
    private static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).hubPort(0)
                .hubWebSocketPort(0).idScope("0ne00000A0A").caDirectory(caDirectory)
                .enrollments(Enrollments.of(
                        Enrollment.individual("hub-gw-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.group("hub-fleet", Attestation.symmetricKey(GROUP_KEY)).withIotHubs(HUB)))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void individualKeyOverMqttIsAcceptedAndTelemetryCounted() throws Exception {
        DeviceRegistration assigned = provision("hub-gw-1", Credentials.symmetricKey(KEY));
        sendTelemetry(assigned, KEY, MqttTransport.MQTT);
    }

    @Test
    void derivedGroupKeyOverWebSocketIsAcceptedAndTelemetryCounted() throws Exception {
        DeviceRegistration assigned = provision("hub-gw-group-1", Credentials.groupKey(GROUP_KEY));
        sendTelemetry(assigned, DerivedKeys.deviceKey(GROUP_KEY, "hub-gw-group-1"), MqttTransport.MQTT_WEBSOCKET);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefusedWithConnack5() throws Exception {
        DeviceRegistration assigned = provision("hub-gw-1", Credentials.symmetricKey(KEY));
        String deviceId = assigned.deviceId().get();
        Map<String, Object> values = TransportValues.of(TransportProperties.of(HUB, deviceId, MqttTransport.MQTT,
                null));
        String wrong = HubSasTokens.deviceToken(HUB, deviceId, GROUP_KEY, Instant.now().getEpochSecond() + 600);
        try (MqttClient client = client(values)) {
            MqttException refused = org.junit.jupiter.api.Assertions.assertThrows(MqttException.class,
                    () -> client.connect(options(values, wrong)));
            assertThat(refused.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
        }
    }

    private static DeviceRegistration provision(String registrationId, Credentials credentials) throws Exception {
        RegistrationSettings settings = RegistrationSettings.builder().idScope("0ne00000A0A")
                .registrationId(registrationId).credentials(credentials).apiVersion("2021-06-01")
                .userAgent("kura-dps-test").responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofSeconds(60)).build();
        DpsEndpoint endpoint = new DpsEndpoint("localhost", simulator.mqttPort(), false,
                TlsSocketFactories.create(TrustAnchors.readCertificates(simulator.caCertificateFile()), null));
        return new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(5))
                .run(new RegistrationFlow(settings, Clock.systemUTC(), new Random()), retrying -> { })
                .registration().orElseThrow(() -> new AssertionError("not assigned"));
    }

    private static void sendTelemetry(DeviceRegistration assigned, String deviceKey, MqttTransport transport)
            throws Exception {
        String hub = assigned.assignedHub().get();
        String deviceId = assigned.deviceId().get();
        Map<String, Object> values = TransportValues.of(TransportProperties.of(hub, deviceId, transport,
                "dtmi:com:example:Gateway;1"));
        String token = HubSasTokens.deviceToken(hub, deviceId, deviceKey, Instant.now().getEpochSecond() + 600);
        try (MqttClient client = client(values)) {
            client.connect(options(values, token));
            client.publish(HubConnectValues.telemetryTopic(deviceId), "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                    1, false);
            assertThat(simulator.hub().counters().await(deviceId, HubCounters.EventKind.TELEMETRY, 1,
                    Duration.ofSeconds(10))).as("telemetry accepted; last refusal: %s",
                            simulator.hub().counters().lastRefusal(deviceId)).isTrue();
            client.disconnect();
        }
    }

    /**
     * As Kura's MqttDataTransport reads its broker-url: {@code mqtts://} becomes Paho's {@code ssl://} and a trailing
     * slash is dropped.
     */
    private static MqttClient client(Map<String, Object> values) throws MqttException {
        String url = ((String) values.get(TransportProperties.BROKER_URL)).replaceFirst("^mqtts://", "ssl://")
                .replaceFirst("/$", "");
        return new MqttClient(url, (String) values.get(TransportProperties.CLIENT_ID), new MemoryPersistence());
    }

    private static MqttConnectOptions options(Map<String, Object> values, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName((String) values.get(TransportProperties.USERNAME));
        options.setPassword(password.toCharArray());
        options.setCleanSession((Boolean) values.get(TransportProperties.CLEAN_SESSION));
        options.setSocketFactory(simulator.hub().socketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        return options;
    }
}
