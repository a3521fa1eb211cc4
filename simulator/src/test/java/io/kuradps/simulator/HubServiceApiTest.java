package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The service side over HTTP on loopback, as a shell drives a running simulator (IoT Hub's REST paths and bodies). */
class HubServiceApiTest extends HubServiceTestSupport {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.servicePort() + path));
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return DpsJson.MAPPER.readTree(response.body());
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(hub.servicePort()).isPositive();
        assertThat(hub.toString()).contains("service API http://127.0.0.1:" + hub.servicePort());
    }

    @Test
    void twinsAreReadAndPatchedAsWithIotHubsRestApi() throws Exception {
        HubClient.Assignment device = provision("api-gw-twin");
        HttpResponse<String> patched = send(request("/twins/" + device.deviceId() + "?api-version=2021-04-12")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"properties\":{\"desired\":{\"mode\":\"eco\"}}}"))
                .build());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(json(patched).path("properties").path("desired")).isEqualTo(
                DpsJson.MAPPER.readTree("{\"mode\":\"eco\",\"$version\":2}"));
        HttpResponse<String> read = send(request("/twins/" + device.deviceId()).GET().build());
        assertThat(json(read).path("deviceId").asText()).isEqualTo(device.deviceId());
        assertThat(json(read).path("hub").asText()).isEqualTo(HUB);
        assertThat(json(read).path("properties").path("reported").path("$version").asInt()).isEqualTo(1);

        HttpResponse<String> bad = send(request("/twins/" + device.deviceId())
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tags\":{}}")).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("errorCode").asInt()).isEqualTo(400004);
    }

    @Test
    void aMethodCallWaitsForTheDevicesAnswer() throws Exception {
        HubClient.Assignment device = provision("api-gw-method");
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, HubMqttHandler.METHOD_REQUESTS);
            CompletableFuture<HttpResponse<String>> call = HTTP.sendAsync(request("/twins/" + device.deviceId()
                    + "/methods").POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"kuraDps.status\","
                            + "\"payload\":{},\"responseTimeoutInSeconds\":30}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            MqttPublishMessage request = raw.nextPublish();
            String topic = request.variableHeader().topicName();
            raw.publish("$iothub/methods/res/200/?$rid=" + topic.substring(topic.indexOf("$rid=") + 5),
                    "{\"state\":\"CONNECTED\"}");
            HttpResponse<String> answer = call.get();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(json(answer)).isEqualTo(DpsJson.MAPPER.readTree(
                    "{\"status\":200,\"payload\":{\"state\":\"CONNECTED\"}}"));
        }
        // The hub must have seen the connection end: a call it still routes to the closed session waits for an answer
        // on the simulator's clock, which this class's tests move by hand.
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.DISCONNECTED, 1,
                Duration.ofSeconds(10))).as("the hub saw the device's connection end").isTrue();
        HttpResponse<String> offline = send(request("/twins/" + device.deviceId() + "/methods")
                .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"kuraDps.status\"}")).build());
        assertThat(offline.statusCode()).isEqualTo(404);
        assertThat(json(offline).path("errorCode").asInt()).isEqualTo(404103);
    }

    @Test
    void aCloudToDeviceMessageTakesItsPropertiesFromTheQuery() throws Exception {
        HubClient.Assignment device = provision("api-gw-c2d");
        HttpResponse<String> sent = send(request("/devices/" + device.deviceId()
                + "/messages/devicebound?$.ct=text%2Fplain&colour=red")
                .POST(HttpRequest.BodyPublishers.ofString("hello gateway")).build());
        assertThat(sent.statusCode()).isEqualTo(200);
        String messageId = json(sent).path("messageId").asText();
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, "devices/" + device.deviceId() + "/messages/devicebound/#");
            MqttPublishMessage message = raw.nextPublish();
            assertThat(message.variableHeader().topicName()).contains("%24.mid=" + messageId)
                    .contains("&%24.ct=text%2Fplain&").endsWith("&colour=red");
            assertThat(message.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello gateway");
            raw.puback(message.variableHeader().packetId());
            assertThat(raw.ping()).isTrue();
        }
        HttpResponse<String> listed = send(request("/devices/" + device.deviceId() + "/messages/devicebound").GET()
                .build());
        assertThat(json(listed).get(0).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(json(listed).get(0).path("acknowledged").asBoolean()).isTrue();
        assertThat(json(listed).get(0).path("properties").path("colour").asText()).isEqualTo("red");
    }

    @Test
    void errorsComeWithIotHubsCodes() throws Exception {
        HttpResponse<String> unknown = send(request("/twins/api-nobody").GET().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("errorCode").asInt()).isEqualTo(404001);
        assertThat(send(request("/elsewhere").GET().build()).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongVerb = send(request("/twins/api-nobody/methods").GET().build());
        assertThat(wrongVerb.statusCode()).isEqualTo(405);
        assertThat(wrongVerb.headers().firstValue("Allow")).contains("POST");
        HttpResponse<String> notJson = send(request("/twins/api-nobody/methods")
                .POST(HttpRequest.BodyPublishers.ofString("{")).build());
        assertThat(notJson.statusCode()).isEqualTo(400);
    }
}
