package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IoT Hub's twin rules: RFC 7386 merge patches, keys and values, a section's size as Microsoft counts it. */
class TwinDocumentsTest {

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) DpsJson.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(text, e);
        }
    }

    /** RFC 7386, Appendix A, the vectors whose target and patch are objects. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":\"b\"}|{\"a\":\"c\"}|{\"a\":\"c\"}",
        "{\"a\":\"b\"}|{\"b\":\"c\"}|{\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}|{\"a\":null}|{}",
        "{\"a\":\"b\",\"b\":\"c\"}|{\"a\":null}|{\"b\":\"c\"}",
        "{\"a\":[\"b\"]}|{\"a\":\"c\"}|{\"a\":\"c\"}",
        "{\"a\":\"c\"}|{\"a\":[\"b\"]}|{\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}|{\"a\":{\"b\":\"d\",\"c\":null}}|{\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}|{\"a\":[1]}|{\"a\":[1]}",
        "{\"e\":null}|{\"a\":1}|{\"e\":null,\"a\":1}",
        "{}|{\"a\":{\"bb\":{\"ccc\":null}}}|{\"a\":{\"bb\":{}}}"})
    void mergesAsRfc7386(String target, String patch, String result) {
        ObjectNode document = json(target);
        TwinDocuments.merge(document, json(patch));
        assertThat(document).isEqualTo(json(result));
    }

    @Test
    void aSectionCountsKeysAndValuesAsMicrosoftDocumentsIt() {
        // key bytes + value: strings by UTF-8 length, numbers 8, booleans 4, objects what they hold
        assertThat(TwinDocuments.size(json("{\"ab\":\"xyz\"}"))).isEqualTo(5);
        assertThat(TwinDocuments.size(json("{\"n\":12345678901,\"f\":1.5,\"b\":true}"))).isEqualTo(1 + 8 + 1 + 8 + 1 + 4);
        assertThat(TwinDocuments.size(json("{\"o\":{\"ü\":\"é\"}}"))).isEqualTo(1 + 2 + 2);
        assertThat(TwinDocuments.size(json("{\"a\":[\"x\",1,{\"k\":\"v\"}]}"))).isEqualTo(1 + 1 + 8 + 2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a.b\":1}|contains '.'",
        "{\"$version\":1}|contains '$'",
        "{\"a b\":1}|contains ' '",
        "{\"a\\u0001\":1}|contains '\\u0001'",
        "{\"\":1}|name is empty",
        "{\"list\":[1,null]}|holds null",
        "{\"big\":4503599627370496}|outside",
        "{\"small\":-4503599627370497}|outside",
        "{\"o\":{\"bad.key\":1}}|contains '.'"})
    void patchesBreakingIotHubsRulesAreNamed(String patch, String why) {
        assertThat(TwinDocuments.violation(json(patch))).contains(why);
    }

    @Test
    void tenLevelsOfObjectsAreAllowedElevenAreNot() {
        // Microsoft's example: one { two { ... ten { "property": "value" } } } is valid
        String ten = "{\"one\":{\"two\":{\"three\":{\"four\":{\"five\":{\"six\":{\"seven\":{\"eight\":{\"nine\":"
                + "{\"ten\":{\"property\":\"value\"}}}}}}}}}}}";
        assertThat(TwinDocuments.violation(json(ten))).isNull();
        String eleven = ten.replace("{\"property\":\"value\"}", "{\"eleven\":{\"property\":\"value\"}}") + "";
        assertThat(TwinDocuments.violation(json(eleven))).contains("deeper than 10");
    }

    @Test
    void stringsAndKeysHaveTheirLimits() {
        assertThat(TwinDocuments.violation(json("{\"s\":\"" + "x".repeat(4096) + "\"}"))).isNull();
        assertThat(TwinDocuments.violation(json("{\"s\":\"" + "x".repeat(4097) + "\"}"))).contains("4096 bytes");
        assertThat(TwinDocuments.violation(json("{\"" + "k".repeat(1024) + "\":1}"))).isNull();
        assertThat(TwinDocuments.violation(json("{\"" + "k".repeat(1025) + "\":1}"))).contains("1024 bytes");
        assertThat(TwinDocuments.violation(json("{\"gone\":null,\"max\":4503599627370495,\"a\":[{\"k\":1}]}")))
                .isNull();
    }
}
