package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A device's side of the simulated hub in tests: it provisions through the simulator's DPS (raw MQTT), then talks
 * to its hub with Paho, under the hub's real host name, through the hub's loopback socket factory.
 */
final class HubClient implements AutoCloseable {

    static final String API_VERSION = "2021-04-12";

    /** Where DPS sent the device. */
    record Assignment(String hub, String deviceId) {
        String username() {
            return HubClient.username(hub, deviceId);
        }

        String telemetryTopic() {
            return "devices/" + deviceId + "/messages/events/";
        }

        String mqttUrl() {
            return "ssl://" + hub + ":8883";
        }
    }

    /** A PUBLISH the hub sent to the Paho client. */
    record Received(String topic, MqttMessage message) {
        String text() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    final MqttClient paho;
    final CountDownLatch lost = new CountDownLatch(1);
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private HubClient(MqttClient paho) {
        this.paho = paho;
    }

    static Assignment provision(DpsSimulator dps, String registrationId, String base64Key) {
        try (TestDevice device = TestDevice.open(dps)) {
            assertThat(device.connect(dps, registrationId, base64Key))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            device.subscribeToResponses();
            return assignment(device.provision(registrationId));
        }
    }

    static Assignment provision(DpsSimulator dps, DeviceIdentity identity) {
        String registrationId = identity.registrationId();
        try (TestDevice device = TestDevice.open(dps.mqttPort(), dps.clientSslContext(identity))) {
            assertThat(device.connect(registrationId, dps.idScope() + "/registrations/" + registrationId
                    + "/api-version=2021-06-01", null)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            device.subscribeToResponses();
            return assignment(device.provision(registrationId));
        }
    }

    private static Assignment assignment(TestDevice.Response answer) {
        JsonNode state = answer.json().path("registrationState");
        assertThat(state.path("status").asText()).as(answer.body()).isEqualTo("assigned");
        return new Assignment(state.path("assignedHub").asText(), state.path("deviceId").asText());
    }

    static String username(String hub, String deviceId) {
        return hub + "/" + deviceId + "/?api-version=" + API_VERSION;
    }

    /** A device SAS token as IoT Hub documents it: sr URL-encoded, no skn. */
    static String sas(String hub, String deviceId, String base64Key, long expiryEpochSeconds) {
        String sr = URLEncoder.encode(hub + "/devices/" + deviceId, StandardCharsets.UTF_8);
        String signature = Base64.getEncoder().encodeToString(
                TestDevice.hmac(Base64.getDecoder().decode(base64Key), sr + "\n" + expiryEpochSeconds));
        return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                + "&se=" + expiryEpochSeconds;
    }

    static long inAnHour(Clock clock) {
        return clock.instant().getEpochSecond() + 3600;
    }

    static MqttConnectOptions options(String username, String password, SocketFactory sockets) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(60);
        options.setUserName(username);
        if (password != null) {
            options.setPassword(password.toCharArray());
        }
        options.setSocketFactory(sockets);
        return options;
    }

    /** Connects with Paho; the caller closes. */
    static HubClient connect(String url, String clientId, MqttConnectOptions options) throws MqttException {
        MqttClient paho = new MqttClient(url, clientId, new MemoryPersistence());
        HubClient client = new HubClient(paho);
        paho.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                client.lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                client.received.add(new Received(topic, message));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publish() waits for its own token
            }
        });
        try {
            paho.connect(options);
        } catch (MqttException e) {
            paho.close(true);
            throw e;
        }
        return client;
    }

    /** Connects as a symmetric-key device with a fresh token. */
    static HubClient connect(HubSimulator hub, Assignment assignment, String deviceKey, Clock clock)
            throws MqttException {
        return connect(assignment.mqttUrl(), assignment.deviceId(), options(assignment.username(),
                sas(assignment.hub(), assignment.deviceId(), deviceKey, inAnHour(clock)), hub.socketFactory()));
    }

    /** The CONNACK return code Paho reports for a refused connection. */
    static int refusal(String url, String clientId, MqttConnectOptions options) {
        MqttException refused = catchThrowableOfType(() -> connect(url, clientId, options).close(),
                MqttException.class);
        assertThat(refused).as("a refused CONNECT").isNotNull();
        return refused.getReasonCode();
    }

    /** Opens a raw MQTT connection to the device's hub under its name and connects it with a fresh token. */
    static TestDevice raw(DpsSimulator dps, Assignment device, String key, boolean cleanSession) {
        TestDevice raw = TestDevice.open(dps.hub().mqttPort(), dps.clientSslContext(), device.hub());
        assertThat(raw.connect(device.deviceId(), device.username(),
                sas(device.hub(), device.deviceId(), key, inAnHour(Clock.systemUTC())), cleanSession,
                io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return raw;
    }

    /** The next message the hub sent, waiting at most {@link TestDevice#WAIT}; fails the test when none came. */
    Received next() throws InterruptedException {
        Received next = received.poll(TestDevice.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(next).as("a message from the hub").isNotNull();
        return next;
    }

    void publish(String topic, String body, int qos) throws MqttException {
        MqttMessage message = new MqttMessage(body.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        paho.publish(topic, message);
    }

    boolean awaitLost() throws InterruptedException {
        return lost.await(TestDevice.WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws MqttException {
        if (paho.isConnected()) {
            paho.disconnect();
        }
        paho.close(true);
    }
}
