package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

class TopicsTest {

    private static final JsonNode CSDK = Vectors.json("csdk_connect_topics_body.json");
    private static final JsonNode PYSDK = Vectors.json("pysdk_topic_cases.json");

    @Test
    void requestTopicsMatchTheCSdk() {
        assertThat(Topics.SUBSCRIBE_FILTER).isEqualTo(CSDK.at("/expected/subscribe_topic").asText());
        assertThat(Topics.register("1")).isEqualTo(CSDK.at("/expected/register_publish_topic").asText());
        assertThat(Topics.poll("1", CSDK.at("/inputs/operation_id").asText()))
                .isEqualTo(CSDK.at("/expected/query_publish_topic").asText());
    }

    @Test
    void registerTopicsEncodeLikeThePythonSdk() {
        for (JsonNode vector : PYSDK.get("register_topic")) {
            assertThat(Topics.register(vector.get("rid").asText())).isEqualTo(vector.get("expected").asText());
        }
    }

    @Test
    void pollTopicsEncodeLikeThePythonSdk() {
        for (JsonNode vector : PYSDK.get("query_topic")) {
            assertThat(Topics.poll(vector.get("rid").asText(), vector.get("operation_id").asText()))
                    .isEqualTo(vector.get("expected").asText());
        }
    }

    @Test
    void responseTopicsThePythonSdkRecognisesParse() throws Exception {
        for (JsonNode topic : PYSDK.get("is_response_topic_true")) {
            assertThat(Topics.parseResponse(topic.asText()).rid()).isEqualTo("3226c2f7-3d30-425c-b83b-0c34335f8220");
        }
    }

    @Test
    void topicsThePythonSdkRejectsAreErrors() {
        for (JsonNode topic : PYSDK.get("is_response_topic_false")) {
            assertThatThrownBy(() -> Topics.parseResponse(topic.asText())).isInstanceOf(DpsProtocolException.class)
                    .hasMessageContaining("not a DPS response topic");
        }
    }

    @Test
    void propertiesAreExtractedLikeThePythonSdk() throws Exception {
        for (JsonNode vector : PYSDK.get("extract_properties")) {
            String topic = vector.get("topic").asText();
            JsonNode expected = vector.get("expected");
            if (expected.isTextual()) {
                assertThatThrownBy(() -> Topics.parseResponse(topic)).isInstanceOf(DpsProtocolException.class)
                        .hasMessageContaining("repeats");
                continue;
            }
            ResponseTopic parsed = Topics.parseResponse(topic);
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey().equals("rid") ? "$rid" : field.getKey();
                assertThat(parsed.parameters()).as(topic).containsEntry(name, field.getValue().asText());
            }
            assertThat(parsed.parameters()).hasSize(expected.size());
        }
    }

    @Test
    void numericStatusesAreExtractedAndNonNumericOnesRejected() throws Exception {
        for (JsonNode vector : PYSDK.get("extract_status")) {
            String topic = vector.get("topic").asText();
            String expected = vector.get("expected").asText();
            if (expected.matches("\\d+")) {
                assertThat(Topics.parseResponse(topic).status()).isEqualTo(Integer.parseInt(expected));
            } else {
                // The Python SDK returns "$$$" or "invalid+status" as text; a status this client acts on is a number.
                assertThatThrownBy(() -> Topics.parseResponse(topic)).isInstanceOf(DpsProtocolException.class)
                        .hasMessageContaining("status");
            }
        }
    }

    @Test
    void retryAfterIsFoundInEitherOrderOrAbsent() throws Exception {
        ResponseTopic first = Topics.parseResponse("$dps/registrations/res/202/?retry-after=120&$rid=1");
        ResponseTopic last = Topics.parseResponse("$dps/registrations/res/202/?$rid=1&retry-after=3");
        ResponseTopic none = Topics.parseResponse("$dps/registrations/res/200/?$rid=1");
        assertThat(first.retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(first.rid()).isEqualTo("1");
        assertThat(last.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(none.retryAfter()).isEmpty();
        assertThat(none.isSuccess()).isTrue();
        assertThat(Topics.parseResponse("$dps/registrations/res/429/?$rid=1").isSuccess()).isFalse();
        assertThat(first.parameters()).containsExactly(entry("retry-after", "120"), entry("$rid", "1"));
        assertThat(first.toString()).contains("status=202", "rid=1");
    }

    @Test
    void plusStaysAPlusAndPercentEscapesDecode() throws Exception {
        assertThat(Topics.parseResponse("$dps/registrations/res/200/?$rid=a+b%20c%2Bd").rid()).isEqualTo("a+b c+d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$dps/registrations/res/202", "$dps/registrations/res/202/", "$dps/registrations/res/",
            "$dps/registrations/res/20/?$rid=1", "$dps/registrations/res/2000/?$rid=1",
            "$dps/registrations/res/202/?retry-after=3", "$dps/registrations/res/202/?$rid=",
            "$dps/registrations/res/202/?$rid=1&retry-after=abc", "$dps/registrations/res/202/?$rid=1&retry-after=-1",
            "$dps/registrations/res/202/?$rid=1&retry-after=1234567890",
            "$dps/registrations/res/202/?$rid=1&retry-after=3&retry-after=4", "$dps/registrations/res/202/?$rid=1&",
            "$dps/registrations/res/202/?$rid=1&=x", "$dps/registrations/res/202/?$rid=1&flag",
            "$dps/registrations/res/202/?$rid=%zz", "$dps/registrations/res/202/?$rid=%E0%A4%A",
            "$dps/registrations/res/#", ""})
    void malformedResponseTopicsRaiseTheCoreException(String topic) {
        assertThatThrownBy(() -> Topics.parseResponse(topic)).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("topic");
    }

    @Test
    void nullTopicRaisesTheCoreException() {
        assertThatThrownBy(() -> Topics.parseResponse(null)).isInstanceOf(DpsProtocolException.class);
    }

    @Test
    void everyCSdkParseCaseTopicParsesExceptTheOneWithoutQuery() {
        for (JsonNode vector : Vectors.json("csdk_response_parse_cases.json").get("cases")) {
            String topic = vector.get("topic").asText();
            boolean shouldParse = topic.contains("/?");
            if (shouldParse) {
                assertThatCode(topic).doesNotThrowAnyException();
            } else {
                assertThatThrownBy(() -> Topics.parseResponse(topic)).as(vector.get("name").asText())
                        .isInstanceOf(DpsProtocolException.class);
            }
        }
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatCode(String topic) {
        return org.assertj.core.api.Assertions.assertThatCode(() -> Topics.parseResponse(topic));
    }
}
