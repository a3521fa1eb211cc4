package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;

class DirectMethodsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final ReceivedTopic.MethodCall CALL = new ReceivedTopic.MethodCall("reboot", "7");

    @Test
    void aCallBecomesTheHandlersRequestWithItsDeadline() throws Exception {
        JsonNode payload = HubVectors.json("msdocs.json").get("method_payload");
        MethodRequest request = DirectMethods.request(CALL, HubVectors.bytes(payload), NOW, Duration.ofSeconds(30));
        assertThat(request.methodName()).isEqualTo("reboot");
        assertThat(request.payloadJson()).isEqualTo("{\"input1\":\"someInput\",\"input2\":\"anotherInput\"}");
        assertThat(request.deadline()).isEqualTo(NOW.plusSeconds(30));
        assertThat(DirectMethods.request(CALL, new byte[0], NOW, Duration.ofSeconds(5)).payloadJson())
                .isEqualTo("null");
    }

    @Test
    void anUnusablePayloadIsA400() {
        byte[] notJson = HubVectors.json("javasdk.json").at("/method_call/payload").asText()
                .getBytes(StandardCharsets.UTF_8);
        HubProtocolException problem = org.junit.jupiter.api.Assertions.assertThrows(HubProtocolException.class,
                () -> DirectMethods.request(CALL, notJson, NOW, Duration.ofSeconds(5)));
        DirectMethods.Answer answer = DirectMethods.badRequest("7", problem);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.topic()).isEqualTo("$iothub/methods/res/400/?$rid=7");
        assertThat(text(answer)).startsWith("{\"message\":\"method reboot payload: not valid JSON");
        byte[] tooLarge = ("\"" + "x".repeat(DirectMethods.MAX_PAYLOAD_BYTES) + "\"").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DirectMethods.request(CALL, tooLarge, NOW, Duration.ofSeconds(5)))
                .hasMessage("method reboot payload: 131074 bytes, more than IoT Hub's 131072 (128 KB)");
    }

    @Test
    void theHandlersAnswerIsSentAsItIsWhenIoTHubCanCarryIt() {
        DirectMethods.Answer answer = DirectMethods.answer("7", "reboot", MethodResponse.of(201, "{\"ok\":true}"));
        assertThat(answer.topic()).isEqualTo("$iothub/methods/res/201/?$rid=7");
        assertThat(text(answer)).isEqualTo("{\"ok\":true}");
        assertThat(DirectMethods.answer("7", "reboot", MethodResponse.ok()).body()).isEmpty();
        assertThat(DirectMethods.answer("7", "reboot", MethodResponse.of(65535, "\"x\"")).topic())
                .isEqualTo("$iothub/methods/res/65535/?$rid=7");
    }

    @Test
    void anAnswerIoTHubWouldNotCarryBecomesA500SayingWhy() {
        DirectMethods.Answer notJson = DirectMethods.answer("7", "reboot", MethodResponse.ok("{oops"));
        assertThat(notJson.status()).isEqualTo(500);
        assertThat(text(notJson)).isEqualTo("{\"message\":\"method reboot answered with a body that is not JSON\"}");
        String large = "\"" + "x".repeat(DirectMethods.MAX_PAYLOAD_BYTES) + "\"";
        DirectMethods.Answer tooLarge = DirectMethods.answer("7", "reboot", MethodResponse.ok(large));
        assertThat(tooLarge.status()).isEqualTo(500);
        assertThat(text(tooLarge)).contains("131074 bytes, more than IoT Hub's 131072 (128 KB)");
    }

    @Test
    void unknownMethodsFailuresAndTimeoutsGetTheirOwnStatus() {
        DirectMethods.Answer notFound = DirectMethods.notFound("7", "nope", Arrays.asList("b", "a"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(text(notFound)).isEqualTo("{\"message\":\"no method 'nope' on this gateway\",\"methods\":[\"a\",\"b\"]}");

        Exception failure = new IllegalStateException("disk full");
        failure.addSuppressed(new RuntimeException("hidden"));
        DirectMethods.Answer failed = DirectMethods.failed("7", "reboot", failure);
        assertThat(failed.status()).isEqualTo(500);
        assertThat(text(failed)).isEqualTo("{\"message\":\"method reboot failed: IllegalStateException: disk full\"}")
                .doesNotContain("at io.", "hidden");
        assertThat(text(DirectMethods.failed("7", "m", new RuntimeException("y".repeat(2000)))))
                .hasSize("{\"message\":\"method m failed: RuntimeException: \"}".length() + 510 + 3);
        assertThat(text(DirectMethods.failed("7", "m", new NullPointerException())))
                .isEqualTo("{\"message\":\"method m failed: NullPointerException\"}");

        DirectMethods.Answer late = DirectMethods.timedOut("7", "reboot", Duration.ofSeconds(30));
        assertThat(late.status()).isEqualTo(504);
        assertThat(text(late)).isEqualTo(
                "{\"message\":\"method reboot did not answer within 30 s (kuradps.method.timeout.seconds)\"}");
    }

    @Test
    void aHandlersTimeoutComesFromItsServicePropertyWithinIoTHubsBounds() {
        Map<String, Object> properties = new HashMap<>();
        assertThat(DirectMethods.handlerTimeout(properties)).isEqualTo(Duration.ofSeconds(30));
        properties.put(DirectMethodHandler.TIMEOUT_SECONDS, 10);
        assertThat(DirectMethods.handlerTimeout(properties)).isEqualTo(Duration.ofSeconds(10));
        properties.put(DirectMethodHandler.TIMEOUT_SECONDS, " 120 ");
        assertThat(DirectMethods.handlerTimeout(properties)).isEqualTo(Duration.ofSeconds(120));
        properties.put(DirectMethodHandler.TIMEOUT_SECONDS, 1);
        assertThat(DirectMethods.handlerTimeout(properties)).isEqualTo(Duration.ofSeconds(5));
        properties.put(DirectMethodHandler.TIMEOUT_SECONDS, 3600L);
        assertThat(DirectMethods.handlerTimeout(properties)).isEqualTo(Duration.ofSeconds(300));
        assertThat(DirectMethods.handlerTimeout(Collections.singletonMap(DirectMethodHandler.TIMEOUT_SECONDS, "soon")))
                .isEqualTo(Duration.ofSeconds(30));
    }

    private static String text(DirectMethods.Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }
}
