package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Device twins over MQTT as Microsoft's MQTT page documents them: GET answered on {@code $iothub/twin/res/200/},
 * reported merge patches answered 204 with the new {@code $version}, desired patches pushed to a connected,
 * subscribed device, 400 for what IoT Hub refuses and 429 when throttled.
 */
class HubTwinTest extends HubServiceTestSupport {

    static TestDevice subscribed(HubClient.Assignment device, String... filters) {
        TestDevice raw = raw(device, true);
        assertThat(raw.subscribe(MqttQoS.AT_LEAST_ONCE, filters)).hasSize(filters.length).doesNotContain(0x80);
        return raw;
    }

    /** A twin answer: {@code $iothub/twin/res/{status}/?$rid=...}. */
    record Answer(String topic, String body) {
        static Answer of(MqttPublishMessage publish) {
            return new Answer(publish.variableHeader().topicName(), publish.payload().toString(StandardCharsets.UTF_8));
        }

        int status() {
            String rest = topic.substring("$iothub/twin/res/".length());
            return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
        }

        JsonNode json() throws Exception {
            return DpsJson.MAPPER.readTree(body);
        }
    }

    static Answer get(TestDevice raw, String requestId) {
        raw.publish("$iothub/twin/GET/?$rid=" + requestId, "");
        return Answer.of(raw.nextPublish());
    }

    static Answer patchReported(TestDevice raw, String requestId, String patch) {
        raw.publish("$iothub/twin/PATCH/properties/reported/?$rid=" + requestId, patch);
        return Answer.of(raw.nextPublish());
    }

    @Test
    void aNewTwinIsEmptyAtVersionOne() throws Exception {
        HubClient.Assignment device = provision("twin-gw-new");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            Answer answer = get(raw, "a1");
            assertThat(answer.topic()).isEqualTo("$iothub/twin/res/200/?$rid=a1");
            assertThat(answer.json()).isEqualTo(DpsJson.MAPPER.readTree(
                    "{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}"));
        }
        assertThat(hub.twin(device.deviceId())).isEqualTo(new Twin(HUB, device.deviceId(), "{\"$version\":1}",
                "{\"$version\":1}", 1, 1));
    }

    @Test
    void reportedPatchesMergeAndAreAnswered204WithTheNewVersion() throws Exception {
        HubClient.Assignment device = provision("twin-gw-reported");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            Answer first = patchReported(raw, "1", "{\"kuraDps\":{\"hub\":\"h\",\"deviceId\":\"d\"},\"battery\":55}");
            assertThat(first.topic()).isEqualTo("$iothub/twin/res/204/?$rid=1&$version=2");
            assertThat(first.body()).isEmpty();
            // the Java SDK adds the version it believes current: IoT Hub holds it to that (412 otherwise)
            raw.publish("$iothub/twin/PATCH/properties/reported/?$rid=stale&$version=1", "{\"battery\":1}");
            Answer stale = Answer.of(raw.nextPublish());
            assertThat(stale.topic()).isEqualTo("$iothub/twin/res/412/?$rid=stale");
            assertThat(stale.json().path("message").asText()).contains("reported $version 1, the twin's is 2");
            raw.publish("$iothub/twin/PATCH/properties/reported/?$rid=2&$version=2",
                    "{\"kuraDps\":{\"deviceId\":\"d2\"},\"battery\":null}");
            assertThat(Answer.of(raw.nextPublish()).topic()).isEqualTo("$iothub/twin/res/204/?$rid=2&$version=3");
            Answer document = get(raw, "3");
            assertThat(document.json().path("reported")).isEqualTo(DpsJson.MAPPER.readTree(
                    "{\"kuraDps\":{\"hub\":\"h\",\"deviceId\":\"d2\"},\"$version\":3}"));
        }
        Twin twin = hub.twin(device.deviceId());
        assertThat(twin.reportedVersion()).isEqualTo(3);
        assertThat(twin.reportedAt("kuraDps", "deviceId")).contains("d2");
        assertThat(twin.reportedAt("battery")).isEmpty();
        assertThat(twin.reportedAt("kuraDps")).contains("{\"hub\":\"h\",\"deviceId\":\"d2\"}");
        assertThat(hub.counters().count(device.deviceId(), HubCounters.EventKind.TWIN_REPORTED)).isEqualTo(3);
    }

    @Test
    void desiredPatchesReachAConnectedSubscribedDeviceWithTheirVersion() throws Exception {
        HubClient.Assignment device = provision("twin-gw-desired");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES, HubMqttHandler.DESIRED_PATCHES)) {
            Twin twin = hub.updateDesired(device.deviceId(), "{\"telemetryInterval\":30,\"route\":{\"a\":1}}");
            assertThat(twin.desiredVersion()).isEqualTo(2);
            MqttPublishMessage push = raw.nextPublish();
            assertThat(push.variableHeader().topicName()).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=2");
            assertThat(DpsJson.MAPPER.readTree(push.payload().toString(StandardCharsets.UTF_8))).isEqualTo(
                    DpsJson.MAPPER.readTree("{\"telemetryInterval\":30,\"route\":{\"a\":1},\"$version\":2}"));
            raw.puback(push.variableHeader().packetId());

            hub.updateDesired(device.deviceId(), "{\"route\":null}");
            MqttPublishMessage second = raw.nextPublish();
            assertThat(second.variableHeader().topicName()).endsWith("?$version=3");
            assertThat(second.payload().toString(StandardCharsets.UTF_8)).isEqualTo("{\"route\":null,\"$version\":3}");
        }
        assertThat(hub.twin(device.deviceId()).desired()).isEqualTo("{\"telemetryInterval\":30,\"$version\":3}");
    }

    @Test
    void aDeviceNotConnectedOrNotSubscribedLearnsDesiredPropertiesByItsNextGet() throws Exception {
        HubClient.Assignment device = provision("twin-gw-offline");
        hub.updateDesired(device.deviceId(), "{\"mode\":\"eco\"}");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            hub.updateDesired(device.deviceId(), "{\"level\":2}");
            assertThat(raw.ping()).as("no push: not subscribed to desired patches").isTrue();
            Answer answer = get(raw, "after-reconnect");
            assertThat(answer.json().path("desired")).isEqualTo(DpsJson.MAPPER.readTree(
                    "{\"mode\":\"eco\",\"level\":2,\"$version\":3}"));
        }
        assertThat(hub.counters().events(device.deviceId())).filteredOn(
                e -> e.kind() == HubCounters.EventKind.TWIN_DESIRED_UPDATED).extracting(HubCounters.Event::detail)
                .allSatisfy(detail -> assertThat(detail).contains("not pushed"));
    }

    @Test
    void whatIotHubRefusesIsAnswered400AndChangesNothing() throws Exception {
        HubClient.Assignment device = provision("twin-gw-refused");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            assertThat(patchReported(raw, "1", "{\"ok\":true}").status()).isEqualTo(204);
            for (String bad : new String[] {"not json", "[1,2]", "{\"a.b\":1}", "{\"$version\":5}",
                "{\"big\":\"" + "x".repeat(4097) + "\"}"}) {
                Answer answer = patchReported(raw, "bad", bad);
                assertThat(answer.topic()).as(bad).isEqualTo("$iothub/twin/res/400/?$rid=bad");
                assertThat(answer.json().path("errorCode").asInt()).isEqualTo(400004);
            }
            // 32 KB per section, counted as IoT Hub counts it: eight 4,000-byte strings fit, a ninth does not
            for (int i = 0; i < 8; i++) {
                assertThat(patchReported(raw, "fill" + i, "{\"k" + i + "\":\"" + "x".repeat(4000) + "\"}").status())
                        .isEqualTo(204);
            }
            Answer over = patchReported(raw, "over", "{\"k8\":\"" + "x".repeat(4096) + "\"}");
            assertThat(over.status()).isEqualTo(400);
            assertThat(over.json().path("message").asText()).contains("more than IoT Hub's 32768");
        }
        Twin twin = hub.twin(device.deviceId());
        assertThat(twin.reportedVersion()).isEqualTo(10);
        assertThat(twin.reportedAt("k8")).isEmpty();
        assertThatThrownBy(() -> hub.updateDesired(device.deviceId(), "{\"bad key\":1}"))
                .isInstanceOfSatisfying(HubServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(400004);
                });
        assertThatThrownBy(() -> hub.updateDesired(device.deviceId(), "{\"d\":\"" + "y".repeat(4096) + "\","
                + "\"e\":\"" + "y".repeat(4096) + "\"," + "\"f\":\"" + "y".repeat(4096) + "\"," + "\"g\":\""
                + "y".repeat(4096) + "\"," + "\"h\":\"" + "y".repeat(4096) + "\"," + "\"i\":\"" + "y".repeat(4096)
                + "\"," + "\"j\":\"" + "y".repeat(4096) + "\"," + "\"k\":\"" + "y".repeat(4096) + "\"}"))
                .hasMessageContaining("desired properties would be");
        assertThat(hub.twin(device.deviceId()).desiredVersion()).isEqualTo(1);
        assertThatThrownBy(() -> hub.twin("twin-nobody")).isInstanceOfSatisfying(HubServiceException.class,
                e -> assertThat(e.errorCode()).isEqualTo(404001));
    }

    @Test
    void anInjectedThrottleAnswers429ToTheNextTwinRequests() throws Exception {
        HubClient.Assignment device = provision("twin-gw-throttled");
        Faults.Rule rule = hub.faults().on(Faults.Trigger.TWIN).forDevice(device.deviceId()).times(2)
                .inject(Fault.throttled(null));
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            Answer throttledGet = get(raw, "g1");
            assertThat(throttledGet.topic()).isEqualTo("$iothub/twin/res/429/?$rid=g1");
            assertThat(throttledGet.json().path("errorCode").asInt()).isEqualTo(429001);
            assertThat(patchReported(raw, "p1", "{\"x\":1}").status()).isEqualTo(429);
            assertThat(hub.twin(device.deviceId()).reportedVersion()).as("a throttled patch is not applied")
                    .isEqualTo(1);
            assertThat(patchReported(raw, "p2", "{\"x\":1}").status()).isEqualTo(204);
        }
        assertThat(rule.hits()).isEqualTo(2);
    }

    @Test
    void aDeviceThatDidNotSubscribeGetsNoAnswerButItsPatchIsApplied() throws Exception {
        HubClient.Assignment device = provision("twin-gw-unsubscribed");
        try (TestDevice raw = raw(device, true)) {
            raw.publish("$iothub/twin/PATCH/properties/reported/?$rid=1", "{\"seen\":true}", MqttQoS.AT_MOST_ONCE);
            assertThat(hub.awaitTwin(device.deviceId(), twin -> twin.reportedVersion() == 2, WAIT)).get()
                    .satisfies(twin -> assertThat(twin.reportedAt("seen")).contains("true"));
            assertThat(raw.ping()).isTrue();
        }
        assertThat(hub.counters().events(device.deviceId())).anySatisfy(e -> assertThat(e.detail())
                .contains("not answered: the device has not subscribed to $iothub/twin/res/#"));
    }

    @Test
    void aTwinRequestWithoutRequestIdClosesTheConnection() {
        HubClient.Assignment device = provision("twin-gw-no-rid");
        try (TestDevice raw = subscribed(device, HubMqttHandler.TWIN_RESPONSES)) {
            raw.publish("$iothub/twin/GET/", "");
            assertThat(raw.awaitClosed()).isTrue();
        }
    }

    @Test
    void deletingTheDeviceDiscardsItsTwin() {
        HubClient.Assignment device = provision("twin-gw-deleted");
        hub.updateDesired(device.deviceId(), "{\"kept\":false}");
        hub.registry().delete(HUB, device.deviceId());
        assertThatThrownBy(() -> hub.twin(device.deviceId())).isInstanceOf(HubServiceException.class);
        HubClient.provision(dps, "twin-gw-deleted", KEY);
        assertThat(hub.twin(device.deviceId()).desiredVersion()).isEqualTo(1);
    }
}
