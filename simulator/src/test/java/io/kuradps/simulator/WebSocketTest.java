package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MQTT over secure WebSocket with Paho, on each path the SDKs use. */
class WebSocketTest {

    static final String KEY = RegistrationTest.KEY;
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(0).idScope("0ne0000WS01")
                .enrollments(Enrollments.of(Enrollment.individual("ws-device", Attestation.symmetricKey(KEY))
                        .withIotHubs("ws-hub.azure-devices.net")))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static MqttClient connect(String path) throws MqttException {
        MqttClient client = new MqttClient("wss://localhost:" + simulator.webSocketPort() + path, "ws-device",
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(TestDevice.username(simulator.idScope(), "ws-device"));
        options.setPassword(TestDevice.sas(simulator.idScope(), "ws-device", KEY, TestDevice.nowPlus(600)).toCharArray());
        options.setSocketFactory(simulator.clientSslContext().getSocketFactory());
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        client.connect(options);
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/$iothub/websocket", "/", "/mqtt", "/$iothub/websocket?iothub-no-client-cert=true"})
    void provisionsOverEveryPathTheSdksUse(String path) throws Exception {
        MqttClient client = connect(path);
        try {
            BlockingQueue<String[]> answers = new LinkedBlockingQueue<>();
            client.subscribe("$dps/registrations/res/#", 1, (topic, message) -> answers.add(
                    new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8)}));
            client.publish("$dps/registrations/PUT/iotdps-register/?$rid=1",
                    new MqttMessage("{\"registrationId\":\"ws-device\"}".getBytes(StandardCharsets.UTF_8)));
            String[] accepted = answers.poll(10, TimeUnit.SECONDS);
            assertThat(accepted).isNotNull();
            assertThat(accepted[0]).startsWith("$dps/registrations/res/202/");
            String operationId = TestDevice.JSON.readTree(accepted[1]).path("operationId").asText();
            client.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + operationId,
                    new MqttMessage(new byte[0]));
            String[] done = answers.poll(10, TimeUnit.SECONDS);
            assertThat(done).isNotNull();
            JsonNode state = TestDevice.JSON.readTree(done[1]).path("registrationState");
            assertThat(state.path("assignedHub").asText()).isEqualTo("ws-hub.azure-devices.net");
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        assertThatThrownBy(() -> connect("/elsewhere")).isInstanceOf(MqttException.class);
        assertThat(upgradeStatusLine("/elsewhere")).contains(" 404 ");
        assertThat(upgradeStatusLine("/$iothub/websocket")).contains(" 101 ");
    }

    static String upgradeStatusLine(String path) throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) simulator.clientSslContext().getSocketFactory()
                .createSocket("127.0.0.1", simulator.webSocketPort())) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }
}
