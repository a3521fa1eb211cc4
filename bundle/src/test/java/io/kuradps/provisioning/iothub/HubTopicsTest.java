package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class HubTopicsTest {

    private static final JsonNode TWIN = HubVectors.json("csdk_twin.json");
    private static final JsonNode METHODS = HubVectors.json("csdk_methods.json");
    private static final JsonNode C2D = HubVectors.json("csdk_c2d_telemetry.json");
    private static final JsonNode JAVA = HubVectors.json("javasdk.json");
    private static final JsonNode DOCS = HubVectors.json("msdocs.json");
    private static final JsonNode PYTHON = HubVectors.json("pysdk.json");

    @Test
    void requestTopicsAndFiltersMatchTheSdks() {
        String rid = TWIN.get("request_id").asText();
        assertThat(HubTopics.twinGet(rid)).isEqualTo(TWIN.get("get_publish_topic").asText());
        assertThat(HubTopics.reportedPatch(rid)).isEqualTo(TWIN.get("patch_publish_topic").asText());
        assertThat(HubTopics.twinGet("100")).isEqualTo(JAVA.at("/twin/get_topic_for_rid_100").asText());
        assertThat(HubTopics.TWIN_RESPONSES).isEqualTo(JAVA.at("/twin/subscribe_responses").asText());
        assertThat(HubTopics.DESIRED_UPDATES).isEqualTo(JAVA.at("/twin/subscribe_desired").asText());
        assertThat(HubTopics.METHOD_CALLS).isEqualTo(METHODS.get("subscribe_topic").asText());
        for (JsonNode vector : METHODS.get("response_topics")) {
            assertThat(HubTopics.methodResponse(vector.get("status").asInt(), vector.get("rid").asText()))
                    .isEqualTo(vector.get("topic").asText());
        }
        assertThat(HubTopics.cloudToDeviceFilter("my_device")).isEqualTo("devices/my_device/messages/devicebound/#");
    }

    @Test
    void twinResponsesParseLikeTheCSdk() throws Exception {
        for (JsonNode vector : TWIN.get("parse_ok")) {
            ReceivedTopic.TwinResponse response = (ReceivedTopic.TwinResponse) HubTopics
                    .parse(vector.get("topic").asText());
            assertThat(response.status()).isEqualTo(vector.get("status").asInt());
            assertThat(response.rid()).isEqualTo(vector.get("rid").asText());
            assertThat(response.version().orElse(null))
                    .isEqualTo(vector.has("version") ? vector.get("version").asLong() : null);
        }
        ReceivedTopic.TwinResponse javaSdk = (ReceivedTopic.TwinResponse) HubTopics
                .parse(JAVA.at("/twin/responses/0/topic").asText());
        assertThat(javaSdk.rid()).isEqualTo("100");
        assertThat(HubTopics.parse(DOCS.at("/reported_python_sample/answer_topic").asText()))
                .isEqualTo(new ReceivedTopic.TwinResponse(204, "1", 6L));
    }

    @Test
    void parametersMayComeInAnyOrderAndUnknownOnesAreIgnored() throws Exception {
        assertThat(HubTopics.parse("$iothub/twin/res/204/?$version=6&$rid=1"))
                .isEqualTo(HubTopics.parse("$iothub/twin/res/204/?$rid=1&$version=6"))
                .isEqualTo(HubTopics.parse("$iothub/twin/res/204/?x-future=1&$rid=1&$version=6&"));
        assertThat(HubTopics.parse("$iothub/twin/PATCH/properties/desired/?x=y&$version=9"))
                .isEqualTo(new ReceivedTopic.DesiredUpdate(9));
        assertThat(HubTopics.parse("$iothub/methods/POST/reboot/?foo=bar&$rid=a%2Bb"))
                .isEqualTo(new ReceivedTopic.MethodCall("reboot", "a+b"));
    }

    @Test
    void topicsThatMatchNothingAreNamedErrors() {
        for (JsonNode vector : TWIN.get("parse_no_match")) {
            assertThatThrownBy(() -> HubTopics.parse(vector.get("topic").asText()))
                    .isInstanceOf(HubProtocolException.class).hasMessageContaining("topic");
        }
        for (JsonNode vector : TWIN.get("csdk_accepts_we_reject")) {
            assertThatThrownBy(() -> HubTopics.parse(vector.get("topic").asText()))
                    .isInstanceOf(HubProtocolException.class);
        }
        for (String topic : HubVectors.texts(JAVA.at("/twin/bad_status"))) {
            assertThatThrownBy(() -> HubTopics.parse(topic)).isInstanceOf(HubProtocolException.class);
        }
        assertThatThrownBy(() -> HubTopics.parse(JAVA.at("/twin/responses/1/topic").asText()))
                .hasMessage("twin response topic $version: '1.0.1' is not a version number");
        assertThatThrownBy(() -> HubTopics.parse("$iothub/twin/res/200/?$version=3"))
                .hasMessage("twin response topic: no $rid, so it matches no request");
        assertThatThrownBy(() -> HubTopics.parse("$iothub/twin/res/200/?$rid=1&$rid=2"))
                .hasMessage("property bag: '$rid' is given twice");
        assertThatThrownBy(() -> HubTopics.parse("$iothub/twin/PATCH/properties/desired/?$rid=1"))
                .hasMessage("desired update topic: no $version, so the update cannot be ordered");
        assertThatThrownBy(() -> HubTopics.parse(null)).hasMessage("topic: missing");
    }

    @Test
    void methodCallsParseLikeTheSdksAndOtherTopicsAreNoMethodCalls() throws Exception {
        JsonNode vector = METHODS.at("/parse_ok/0");
        assertThat(HubTopics.parse(vector.get("topic").asText()))
                .isEqualTo(new ReceivedTopic.MethodCall(vector.get("name").asText(), vector.get("rid").asText()));
        assertThat(HubTopics.parse(JAVA.at("/method_call/topic").asText()))
                .isEqualTo(new ReceivedTopic.MethodCall("testMethod", "10"));
        for (String topic : HubVectors.texts(METHODS.get("not_a_method_call"))) {
            boolean methodCall;
            try {
                methodCall = HubTopics.parse(topic) instanceof ReceivedTopic.MethodCall;
            } catch (HubProtocolException e) {
                methodCall = false;
            }
            assertThat(methodCall).as(topic).isFalse();
        }
        assertThatThrownBy(() -> HubTopics.parse("$iothub/methods/POST/a/b/?$rid=1"))
                .hasMessageContaining("{method name}/?$rid=");
        assertThatThrownBy(() -> HubTopics.parse("$iothub/methods/POST//?$rid=1"))
                .hasMessageContaining("{method name}/?$rid=");
    }

    @Test
    void cloudToDeviceTopicsDecodeTheirPropertyBags() throws Exception {
        for (JsonNode vector : C2D.get("c2d")) {
            ReceivedTopic.CloudToDevice message = (ReceivedTopic.CloudToDevice) HubTopics
                    .parse(vector.get("topic").asText());
            assertThat(message.deviceId()).isEqualTo(vector.get("device_id").asText());
            assertThat(message.properties().all()).containsExactlyEntriesOf(map(vector.get("properties")));
        }
        JsonNode java = JAVA.get("c2d");
        ReceivedTopic.CloudToDevice message = (ReceivedTopic.CloudToDevice) HubTopics.parse(java.get("topic").asText());
        assertThat(message.deviceId()).isEqualTo("deviceID");
        assertThat(message.properties().systemProperties()).containsExactlyEntriesOf(map(java.get("system")));
        assertThat(message.properties().userProperties()).containsExactlyEntriesOf(map(java.get("user")));
        assertThat(message.properties().correlationId()).contains("169c34b3-99b0-49f9-b0f6-8fa9d2c99345");

        JsonNode docs = DOCS.get("c2d_topic");
        message = (ReceivedTopic.CloudToDevice) HubTopics.parse(docs.get("topic").asText());
        assertThat(message.deviceId()).isEqualTo(docs.get("device_id").asText());
        assertThat(message.properties().messageId()).contains(docs.get("message_id").asText());
        assertThat(message.properties().contentEncoding()).contains(docs.get("content_encoding").asText());
        assertThat(message.properties().get(PropertyBag.ACK)).contains(docs.get("ack").asText());

        JsonNode python = PYTHON.get("c2d");
        message = (ReceivedTopic.CloudToDevice) HubTopics.parse(python.get("topic").asText());
        assertThat(message.deviceId()).isEqualTo(python.get("device_id").asText());
        assertThat(message.properties().get(PropertyBag.TO)).contains(python.get("to").asText());
        assertThat(((ReceivedTopic.CloudToDevice) HubTopics.parse("devices/a%3Ab/messages/devicebound/")).deviceId())
                .isEqualTo("a:b");

        for (String topic : HubVectors.texts(C2D.get("c2d_no_match"))) {
            boolean c2d;
            try {
                c2d = HubTopics.parse(topic) instanceof ReceivedTopic.CloudToDevice;
            } catch (HubProtocolException e) {
                c2d = false;
            }
            assertThat(c2d).as(topic).isFalse();
        }
    }

    @Test
    void telemetryTopicsCarryAnEncodedPropertyBag() {
        for (JsonNode vector : C2D.get("telemetry")) {
            PropertyBag bag = PropertyBag.empty();
            String encoded = vector.get("properties").asText();
            if (!encoded.isEmpty()) {
                bag = bag.with("key", "value").with("key_two", "value2");
            }
            assertThat(HubTopics.telemetry(vector.get("device_id").asText(), bag))
                    .isEqualTo(vector.get("topic").asText());
        }
        JsonNode json = DOCS.get("telemetry_json_bag");
        assertThat(PropertyBag.empty().with(PropertyBag.CONTENT_TYPE, json.get("content_type").asText())
                .with(PropertyBag.CONTENT_ENCODING, json.get("content_encoding").asText()).encode())
                .isEqualTo(json.get("bag").asText());
        JsonNode routing = DOCS.get("telemetry_routing_bag");
        assertThat(PropertyBag.empty().with(PropertyBag.CONTENT_TYPE, routing.get("content_type").asText()).encode())
                .isEqualTo(routing.get("bag").asText());
    }

    @Test
    void buildersRefuseWhatCannotBeSent() {
        assertThatThrownBy(() -> HubTopics.twinGet("")).hasMessage("a request needs a $rid");
        assertThatThrownBy(() -> HubTopics.methodResponse(65536, "1")).hasMessageContaining("outside 0..65535");
        assertThatThrownBy(() -> HubTopics.methodResponse(-1, "1")).hasMessageContaining("outside 0..65535");
        assertThat(HubTopics.twinGet("a b&c")).isEqualTo("$iothub/twin/GET/?$rid=a%20b%26c");
    }

    private static Map<String, String> map(JsonNode pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String[] pair : HubVectors.pairs(pairs)) {
            map.put(pair[0], pair[1]);
        }
        return map;
    }
}
