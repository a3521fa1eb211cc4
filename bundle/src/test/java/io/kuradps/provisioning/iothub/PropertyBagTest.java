package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.kuradps.provisioning.protocol.UrlEncoding;

class PropertyBagTest {

    @Test
    void valuesTakeTheThreeFormsMicrosoftDocuments() throws Exception {
        JsonNode vector = HubVectors.json("msdocs.json").get("c2d_property_bag");
        PropertyBag bag = PropertyBag.parse(vector.get("bag").asText());
        for (String[] pair : HubVectors.pairs(vector.get("properties"))) {
            assertThat(bag.all()).containsEntry(pair[0], pair[1]);
        }
        assertThat(bag.get("prop1")).isEmpty();
        assertThat(bag.get("prop2")).contains("");
        assertThat(bag.encode()).isEqualTo("prop1&prop2=&prop3=a%20string");
    }

    @Test
    void encodingFollowsTheCSdkAndRoundTrips() throws Exception {
        JsonNode vector = HubVectors.json("csdk_c2d_telemetry.json").at("/url_encode/0");
        assertThat(UrlEncoding.encode(vector.get("decoded").asText())).isEqualTo(vector.get("encoded").asText());
        assertThat(UrlEncoding.decode(vector.get("encoded").asText(), "x")).isEqualTo(vector.get("decoded").asText());
        PropertyBag bag = PropertyBag.empty().with("$.mid", "a b").with("ünï/cødé", "x+y=z&w").with("flag", null);
        assertThat(bag.encode()).isEqualTo("$.mid=a%20b&%C3%BCn%C3%AF%2Fc%C3%B8d%C3%A9=x%2By%3Dz%26w&flag");
        assertThat(PropertyBag.parse(bag.encode())).isEqualTo(bag).hasSameHashCodeAs(bag);
        assertThat(PropertyBag.parse("a=1+2").get("a")).contains("1+2");
    }

    @Test
    void malformedBagsAreNamedErrors() {
        assertThatThrownBy(() -> PropertyBag.parse("a=%zz")).isInstanceOf(HubProtocolException.class)
                .hasMessage("property a: '%' at 0 is not followed by two hex digits");
        assertThatThrownBy(() -> PropertyBag.parse("a=%ff%fe")).hasMessage("property a: percent-escapes that are not UTF-8");
        assertThatThrownBy(() -> PropertyBag.parse("=1")).hasMessage("property bag: '=1' has no name");
        assertThatThrownBy(() -> PropertyBag.parse("a=1&a=2")).hasMessage("property bag: 'a' is given twice");
        assertThatThrownBy(() -> PropertyBag.empty().with("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void systemAndUserPropertiesAreToldApart() throws Exception {
        PropertyBag bag = PropertyBag.parse("%24.ct=application%2Fjson&iothub-ack=full&color=red&%24.ce=utf-8");
        assertThat(bag.systemProperties()).containsExactly(entry("$.ct", "application/json"),
                entry("iothub-ack", "full"), entry("$.ce", "utf-8"));
        assertThat(bag.userProperties()).containsExactly(entry("color", "red"));
        assertThat(bag.contentType()).contains("application/json");
        assertThat(PropertyBag.parse("")).isSameAs(PropertyBag.empty());
        assertThat(PropertyBag.empty().isEmpty()).isTrue();
        assertThat(bag.toString()).contains("color=red");
    }
}
