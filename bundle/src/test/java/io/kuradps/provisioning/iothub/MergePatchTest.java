package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class MergePatchTest {

    @Test
    void rfc7386ExamplesApply() throws Exception {
        // RFC 7386 section 3's example and a few rows of its appendix A.
        assertThat(apply("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
                + "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
                "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},"
                        + "\"tags\":[\"example\"]}"))
                .isEqualTo("{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
                        + "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}");
        assertThat(apply("{\"a\":\"b\"}", "{\"a\":\"c\"}")).isEqualTo("{\"a\":\"c\"}");
        assertThat(apply("{\"a\":\"b\"}", "{\"a\":null}")).isEqualTo("{}");
        assertThat(apply("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}")).isEqualTo("{\"a\":[1]}");
        assertThat(apply("{\"e\":null}", "{\"a\":1}")).isEqualTo("{\"e\":null,\"a\":1}");
        assertThat(apply("[1,2]", "{\"a\":\"b\",\"c\":null}")).isEqualTo("{\"a\":\"b\"}");
        assertThat(apply("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}")).isEqualTo("{\"a\":{\"bb\":{}}}");
    }

    @Test
    void aDiffIsEmptyWhenNothingChangedAndNumbersCompareByValue() throws Exception {
        ObjectNode held = object("{\"kuraDps\":{\"hub\":\"h1\",\"since\":1},\"other\":true}");
        assertThat(MergePatch.diff(held, object("{\"kuraDps\":{\"hub\":\"h1\",\"since\":1.0}}")).size()).isZero();
        assertThat(MergePatch.diff(held, object("{}")).size()).isZero();
    }

    @Test
    void aDiffSendsOnlyWhatChangedAndDeletesWhatIsGone() throws Exception {
        ObjectNode held = object("{\"kuraDps\":{\"hub\":\"h1\",\"device\":\"d\",\"old\":3},\"other\":true}");
        ObjectNode wanted = object("{\"kuraDps\":{\"hub\":\"h2\",\"device\":\"d\",\"cert\":{\"sha\":\"AB\",\"x\":null}},"
                + "\"gone\":null,\"other\":null}");
        ObjectNode patch = MergePatch.diff(held, wanted);
        assertThat(TwinJson.text(patch))
                .isEqualTo("{\"kuraDps\":{\"hub\":\"h2\",\"cert\":{\"sha\":\"AB\"},\"old\":null},\"other\":null}");
        assertThat(TwinJson.text(MergePatch.apply(held, patch)))
                .isEqualTo("{\"kuraDps\":{\"hub\":\"h2\",\"device\":\"d\",\"cert\":{\"sha\":\"AB\"}}}");
        assertThat(MergePatch.diff(MergePatch.apply(held, patch), wanted).size()).isZero();
        assertThat(TwinJson.text(held)).contains("h1");
    }

    private static String apply(String target, String patch) throws Exception {
        return TwinJson.text(MergePatch.apply(read(target), read(patch)));
    }

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) read(json);
    }

    private static JsonNode read(String json) throws Exception {
        return TwinJson.read(json.getBytes(StandardCharsets.UTF_8), "test");
    }
}
