package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fidelity of the hub endpoint: the Azure IoT Java device SDK (iot-device-client 2.4.1, released with the
 * provisioning client 2.1.3 that {@link AzureSdkFidelityTest} uses), a client nobody here wrote, connects with a SAS
 * token over MQTT and MQTT over WebSocket, sends telemetry with properties, receives a cloud-to-device message with
 * its properties, GETs its twin, patches reported properties, gets a desired-property callback and answers a direct
 * method. The SDK takes a host name and always dials 8883 (MQTT) or 443 (WebSocket); it opens its sockets with its
 * SSLContext's socket factory, so an SSLContext whose factory is the hub's loopback route takes it to the hub
 * endpoint's ephemeral ports under the hub's real name, as Kura's transport is taken there.
 */
class AzureSdkHubFidelityTest {

    private static final String HUB = "kura-dps-sdk-hub.azure-devices.net";
    private static final String DEVICE_KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    private static final Duration WAIT = TestDevice.WAIT;
    private static DpsSimulator simulator;
    private static HubSimulator hub;

    private final BlockingQueue<Message> cloudToDevice = new LinkedBlockingQueue<>();
    private final BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desired = new LinkedBlockingQueue<>();
    private DeviceClient client;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).hubWebSocketPort(0)
                .idScope("0ne0000SDK2").start();
        hub = simulator.hub();
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    /** A device the hub knows, as DPS would have registered it, and the SDK connected as it. */
    private String connect(IotHubClientProtocol protocol) throws Exception {
        String deviceId = "sdk-hub-device-" + protocol.name().toLowerCase().replace('_', '-');
        Enrollment enrollment = Enrollment.individual(deviceId, Attestation.symmetricKey(DEVICE_KEY))
                .withIotHubs(HUB);
        simulator.enrollments().put(enrollment);
        hub.registry().register(HUB, deviceId, deviceId, enrollment);
        client = new DeviceClient("HostName=" + HUB + ";DeviceId=" + deviceId + ";SharedAccessKey=" + DEVICE_KEY,
                protocol, ClientOptions.builder().sslContext(new RoutedSslContext(simulator.clientSslContext(),
                        hub.socketFactory())).build());
        client.setMessageCallback((message, context) -> {
            cloudToDevice.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(false);
        return deviceId;
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void telemetryIsAcceptedWithItsProperties(IotHubClientProtocol protocol) throws Exception {
        String deviceId = connect(protocol);
        Message message = new Message("{\"temperature\":21.5}");
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setMessageId("sdk-message-1");
        message.setProperty("alert", "high temp");
        client.sendEvent(message);

        assertThat(hub.counters().events(deviceId)).anySatisfy(e -> assertThat(e.detail())
                .contains("SAS token"));
        assertThat(hub.counters().telemetryMessages(deviceId)).singleElement().satisfies(accepted -> {
            assertThat(accepted.payloadText()).isEqualTo("{\"temperature\":21.5}");
            assertThat(accepted.qos()).isEqualTo(1);
            assertThat(accepted.properties()).containsEntry("$.ct", "application/json")
                    .containsEntry("$.ce", "utf-8").containsEntry("$.mid", "sdk-message-1")
                    .containsEntry("alert", "high temp");
        });
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void aCloudToDeviceMessageArrivesWithItsPropertiesAndIsAcknowledged(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = connect(protocol);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("$.cid", "correlation-7");
        properties.put("$.ct", "text/plain");
        properties.put("colour", "deep red");
        String messageId = hub.sendToDevice(deviceId, "blink twice", properties);

        Message received = cloudToDevice.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).as("the SDK's message callback").isNotNull();
        assertThat(new String(received.getBytes(), StandardCharsets.UTF_8)).isEqualTo("blink twice");
        assertThat(received.getMessageId()).isEqualTo(messageId);
        assertThat(received.getCorrelationId()).isEqualTo("correlation-7");
        assertThat(received.getContentType()).isEqualTo("text/plain");
        assertThat(received.getProperty("colour")).isEqualTo("deep red");
        assertThat(hub.counters().await(deviceId, HubCounters.EventKind.CLOUD_TO_DEVICE_ACKNOWLEDGED, 1, WAIT))
                .isTrue();
        assertThat(hub.counters().acknowledged(deviceId)).containsExactly(messageId);
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void twinGetReportedPatchAndDesiredCallback(IotHubClientProtocol protocol) throws Exception {
        String deviceId = connect(protocol);
        hub.updateDesired(deviceId, "{\"telemetryInterval\":30}");
        client.subscribeToDesiredProperties((twin, context) -> desired.add(twin), null);

        TwinResponse get = new TwinResponse();
        client.getTwinAsync(get, null);
        IotHubTransportMessage got = get.await();
        assertThat(got.getStatus()).isEqualTo("200");
        com.microsoft.azure.sdk.iot.device.twin.Twin twin = com.microsoft.azure.sdk.iot.device.twin.Twin
                .createFromPropertiesJson(new String(got.getBytes(), StandardCharsets.UTF_8));
        assertThat(twin.getDesiredProperties().get("telemetryInterval")).isEqualTo(30L);
        assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(2);
        assertThat(twin.getReportedProperties().getVersion()).isEqualTo(1);

        TwinCollection reported = twin.getReportedProperties();
        reported.put("firmware", "1.0.3");
        TwinResponse patch = new TwinResponse();
        client.updateReportedPropertiesAsync(reported, patch, null);
        IotHubTransportMessage patched = patch.await();
        assertThat(patched.getStatus()).isEqualTo("204");
        assertThat(patched.getVersion()).isEqualTo(2);
        assertThat(hub.twin(deviceId).reportedAt("firmware")).contains("1.0.3");

        hub.updateDesired(deviceId, "{\"telemetryInterval\":60}");
        com.microsoft.azure.sdk.iot.device.twin.Twin update = desired.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(update).as("the SDK's desired properties callback").isNotNull();
        assertThat(update.getDesiredProperties().get("telemetryInterval")).isEqualTo(60L);
        assertThat(update.getDesiredProperties().getVersion()).isEqualTo(3);
    }

    /**
     * The hub's answer to one twin request (GET or reported PATCH), as the SDK parsed it. The SDK's synchronous
     * {@code getTwin()} and {@code updateReportedProperties()} wait for {@code onResponseReceived}, which
     * iot-device-client 2.4.1 (IotHubTransport) calls on Paho's callback thread only after it has queued the response
     * for its receive thread; that thread acknowledges the response and then drops the request's correlation entry,
     * so a callback thread preempted in between finds no entry and the synchronous call times out after 60 s with
     * the answer in hand (measured: 34 of 500 reported patches on 2 cores kept busy, 2 of 300 unloaded). The
     * receive thread calls {@code onResponseAcknowledged} before it drops the entry, so the answer is taken from
     * whichever of the two comes first.
     */
    private static final class TwinResponse
            implements GetTwinCorrelatingMessageCallback, ReportedPropertiesUpdateCorrelatingMessageCallback {

        private final CompletableFuture<IotHubTransportMessage> answer = new CompletableFuture<>();

        IotHubTransportMessage await() throws Exception {
            return answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onResponseReceived(com.microsoft.azure.sdk.iot.device.twin.Twin twin, Message message,
                Object context, IotHubStatusCode status, IotHubClientException e) {
            answer.complete((IotHubTransportMessage) message);
        }

        @Override
        public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
                ReportedPropertiesUpdateResponse response, IotHubClientException e) {
            answer.complete((IotHubTransportMessage) message);
        }

        @Override
        public void onResponseAcknowledged(Message message, Object context) {
            answer.complete((IotHubTransportMessage) message);
        }

        @Override
        public void onRequestQueued(Message message, Object context) {
        }

        @Override
        public void onRequestSent(Message message, Object context) {
        }

        @Override
        public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
            if (e != null) {
                answer.completeExceptionally(e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"MQTT", "MQTT_WS"})
    void aDirectMethodIsAnswered(IotHubClientProtocol protocol) throws Exception {
        String deviceId = connect(protocol);
        client.subscribeToMethods((methodName, payload, context) -> new DirectMethodResponse(200,
                Map.of("method", methodName, "got", payload.getPayloadAsJsonString())), null);

        MethodResult result = hub.invokeMethod(deviceId, "kuraDps.status", "{\"verbose\":true}")
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(result.answeredByDevice()).isTrue();
        assertThat(result.status()).isEqualTo(200);
        assertThat(DpsJson.MAPPER.readTree(result.payload())).isEqualTo(DpsJson.MAPPER.readTree(
                "{\"method\":\"kuraDps.status\",\"got\":\"{\\\"verbose\\\":true}\"}"));
    }
}
