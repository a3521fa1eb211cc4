package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Direct methods as IoT Hub's service API invokes them: a QoS 0 request on
 * {@code $iothub/methods/POST/{method}/?$rid=}, the device's {@code $iothub/methods/res/{status}/?$rid=} as the
 * result, 404103 for a device that cannot take it, 504101 when it does not answer in time.
 */
class HubMethodTest extends HubServiceTestSupport {

    static TestDevice listening(HubClient.Assignment device) {
        TestDevice raw = raw(device, true);
        assertThat(raw.subscribe(MqttQoS.AT_LEAST_ONCE, HubMqttHandler.METHOD_REQUESTS)).containsExactly(1);
        return raw;
    }

    static String requestId(MqttPublishMessage request) {
        String topic = request.variableHeader().topicName();
        return topic.substring(topic.indexOf("?$rid=") + "?$rid=".length());
    }

    static MethodResult result(CompletableFuture<MethodResult> call) throws Exception {
        return call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void theDevicesAnswerIsTheResult() throws Exception {
        HubClient.Assignment device = provision("method-gw-answers");
        try (TestDevice raw = listening(device)) {
            CompletableFuture<MethodResult> call = hub.invokeMethod(device.deviceId(), "kuraDps.status",
                    "{\"verbose\":true}");
            MqttPublishMessage request = raw.nextPublish();
            assertThat(request.variableHeader().topicName()).startsWith("$iothub/methods/POST/kuraDps.status/?$rid=");
            assertThat(request.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_MOST_ONCE);
            assertThat(request.payload().toString(StandardCharsets.UTF_8)).isEqualTo("{\"verbose\":true}");
            assertThat(call).isNotDone();

            raw.publish("$iothub/methods/res/201/?$rid=" + requestId(request), "{\"state\":\"CONNECTED\"}");
            MethodResult result = result(call);
            assertThat(result.status()).isEqualTo(201);
            assertThat(result.payload()).isEqualTo("{\"state\":\"CONNECTED\"}");
            assertThat(result.answeredByDevice()).isTrue();
            assertThat(result.errorCode()).isZero();
            assertThat(result.requestId()).isEqualTo(requestId(request));
            assertThat(result.hub()).isEqualTo(HUB);

            // an empty body and a null payload pass as IoT Hub passes them
            CompletableFuture<MethodResult> bare = hub.invokeMethod(device.deviceId(), "ping", null);
            MqttPublishMessage second = raw.nextPublish();
            assertThat(second.payload().toString(StandardCharsets.UTF_8)).isEqualTo("null");
            raw.publish("$iothub/methods/res/200/?$rid=" + requestId(second), "", MqttQoS.AT_MOST_ONCE);
            assertThat(result(bare).payload()).isNull();
        }
        assertThat(hub.counters().methodResults(device.deviceId())).extracting(MethodResult::methodName,
                MethodResult::status).containsExactly(Tuple.tuple("kuraDps.status", 201),
                        Tuple.tuple("ping", 200));
    }

    @Test
    void aDeviceThatCannotTakeTheCallIsNotOnline() throws Exception {
        HubClient.Assignment device = provision("method-gw-offline");
        MethodResult offline = result(hub.invokeMethod(device.deviceId(), "reboot", "{}"));
        assertThat(offline.status()).isEqualTo(404);
        assertThat(offline.errorCode()).isEqualTo(404103);
        assertThat(offline.answeredByDevice()).isFalse();
        assertThat(offline.requestId()).isNull();
        assertThat(offline.payload()).contains("DeviceNotOnline");
        try (TestDevice raw = raw(device, true)) {
            MethodResult unsubscribed = result(hub.invokeMethod(device.deviceId(), "reboot", "{}"));
            assertThat(unsubscribed.errorCode()).isEqualTo(404103);
            assertThat(unsubscribed.payload()).contains("has not subscribed to $iothub/methods/POST/#");
            assertThat(raw.ping()).isTrue();
        }
    }

    @Test
    void noAnswerWithinTheTimeoutIsAGatewayTimeoutOnTheSimulatorsClock() throws Exception {
        HubClient.Assignment device = provision("method-gw-silent");
        try (TestDevice raw = listening(device)) {
            CompletableFuture<MethodResult> call = hub.invokeMethod(device.deviceId(), "slow", "{}",
                    Duration.ofSeconds(5));
            MqttPublishMessage request = raw.nextPublish();
            clock.advance(Duration.ofSeconds(6));
            MethodResult timedOut = result(call);
            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(timedOut.errorCode()).isEqualTo(504101);
            assertThat(Duration.between(timedOut.invokedAt(), timedOut.endedAt())).isGreaterThanOrEqualTo(
                    Duration.ofSeconds(5));

            // the late answer changes nothing
            raw.publish("$iothub/methods/res/200/?$rid=" + requestId(request), "{}");
            assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.METHOD_RESPONSE, 1, WAIT))
                    .isTrue();
            assertThat(hub.counters().methodResults(device.deviceId())).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(504));
        }
    }

    @Test
    void anAnswerSentAfterAReconnectStillEndsTheCall() throws Exception {
        HubClient.Assignment device = provision("method-gw-reconnects");
        CompletableFuture<MethodResult> call;
        String requestId;
        try (TestDevice raw = listening(device)) {
            call = hub.invokeMethod(device.deviceId(), "kuraDps.reprovision", "{}");
            requestId = requestId(raw.nextPublish());
        }
        assertThat(call).isNotDone();
        try (TestDevice raw = listening(device)) {
            raw.publish("$iothub/methods/res/200/?$rid=" + requestId, "{\"assigned\":true}");
            assertThat(result(call).payload()).isEqualTo("{\"assigned\":true}");
        }
    }

    @Test
    void anAnswerLargerThan128KbIsRefused() throws Exception {
        HubClient.Assignment device = provision("method-gw-big-answer");
        try (TestDevice raw = listening(device)) {
            CompletableFuture<MethodResult> call = hub.invokeMethod(device.deviceId(), "dump", "{}");
            String rid = requestId(raw.nextPublish());
            raw.publish("$iothub/methods/res/200/?$rid=" + rid, "\"" + "x".repeat(128 * 1024) + "\"");
            MethodResult result = result(call);
            assertThat(result.status()).isEqualTo(413);
            assertThat(result.errorCode()).isEqualTo(413001);
        }
    }

    @Test
    void invocationsIotHubRefusesAreRefusedAtOnce() {
        HubClient.Assignment device = provision("method-gw-bad-calls");
        String id = device.deviceId();
        assertThatThrownBy(() -> hub.invokeMethod(id, "m", "{}", Duration.ofSeconds(4)))
                .isInstanceOfSatisfying(HubServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(400004);
                    assertThat(e.getMessage()).contains("responseTimeoutInSeconds must be 5 to 300");
                });
        assertThatThrownBy(() -> hub.invokeMethod(id, "m", "{}", Duration.ofSeconds(301)))
                .isInstanceOf(HubServiceException.class);
        assertThatThrownBy(() -> hub.invokeMethod(id, "a/b", "{}")).hasMessageContaining("methodName 'a/b'");
        assertThatThrownBy(() -> hub.invokeMethod(id, "", "{}")).hasMessageContaining("methodName");
        assertThatThrownBy(() -> hub.invokeMethod(id, "m", "{not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> hub.invokeMethod(id, "m", "\"" + "x".repeat(128 * 1024) + "\""))
                .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(413001));
        assertThatThrownBy(() -> hub.invokeMethod("method-nobody", "m", "{}"))
                .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(404001));
        assertThat(hub.counters().methodResults(id)).isEmpty();
    }
}
