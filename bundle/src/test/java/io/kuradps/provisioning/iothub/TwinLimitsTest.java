package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class TwinLimitsTest {

    private static final JsonNode DOCS = HubVectors.json("msdocs.json");

    @Test
    void sizeCountsAsMicrosoftDescribes() throws Exception {
        // keys as UTF-8, strings as UTF-8 without control characters, numbers 8, booleans 4, objects their members.
        assertThat(TwinLimits.size(read("{\"ab\":\"xyz\",\"n\":12,\"b\":true,\"o\":{\"k\":\"\\u0001é\"}}")))
                .isEqualTo(2 + 3 + 1 + 8 + 1 + 4 + 1 + 1 + 2);
        assertThat(TwinLimits.size(read("{\"$version\":5,\"$metadata\":{\"a\":\"b\"},\"a\":\"b\"}"))).isEqualTo(2);
        assertThat(TwinLimits.checkSection(DOCS.get("reported_patch"), "reported")).isEqualTo(22 + 3 + 12 + 8);
    }

    @Test
    void tenLevelsOfObjectsAreAllowedAndElevenAreNot() throws Exception {
        JsonNode ten = DOCS.get("depth_ten_is_valid");
        assertThat(TwinLimits.checkSection(ten, "tags")).isPositive();
        ObjectNode eleven = TwinJson.newObject();
        ObjectNode level = eleven;
        for (String name : new String[] { "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven" }) {
            level = level.putObject(name);
        }
        level.put("x", 1);
        assertThatThrownBy(() -> TwinLimits.checkSection(eleven, "reported")).isInstanceOf(HubLimitException.class)
                .hasMessage("reported.one.two.three.four.five.six.seven.eight.nine.ten.eleven: objects nested more"
                        + " than 10 deep, IoT Hub's limit");
    }

    @Test
    void keysStringsAndIntegersKeepTheirLimits() throws Exception {
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"a\":{\"b.c\":1}}"), "reported"))
                .hasMessageStartingWith("reported.a: key 'b.c' holds '.', which IoT Hub does not allow");
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"$x\":1}"), "reported"))
                .hasMessageContaining("holds '$'");
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"a b\":1}"), "reported"))
                .hasMessageContaining("holds ' '");
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"a\\u0007\":1}"), "reported"))
                .hasMessageContaining("a control character");
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"" + "k".repeat(1025) + "\":1}"), "reported"))
                .hasMessage("reported: a key longer than IoT Hub's 1024 bytes");
        assertThatThrownBy(() -> TwinLimits.checkSection(read("{\"s\":[\"" + "é".repeat(2049) + "\"]}"), "reported"))
                .hasMessage("reported.s[0]: a string of 4098 bytes, more than IoT Hub's 4096 (4 KB)");
        JsonNode bounds = DOCS.get("integer_bounds");
        ObjectNode inside = TwinJson.newObject().put("min", bounds.get("min").asLong()).put("max",
                bounds.get("max").asLong());
        assertThat(TwinLimits.checkSection(inside, "reported")).isEqualTo(3 + 8 + 3 + 8);
        ObjectNode outside = TwinJson.newObject().put("max", bounds.get("max").asLong() + 1);
        assertThatThrownBy(() -> TwinLimits.checkSection(outside, "reported"))
                .hasMessage("reported.max: 4503599627370496 is outside the integers IoT Hub keeps (-2^52..2^52-1);"
                        + " send it as a string");
        assertThat(TwinLimits.checkSection(read("{\"big\":1.0E300}"), "reported")).isEqualTo(3 + 8);
        assertThatThrownBy(() -> TwinLimits.checkSection(TwinJson.newObject().arrayNode(), "reported"))
                .hasMessage("reported: a twin section is a JSON object, not ARRAY");
    }

    private static ObjectNode read(String json) throws Exception {
        return TwinJson.readObject(json.getBytes(StandardCharsets.UTF_8), "test");
    }
}
