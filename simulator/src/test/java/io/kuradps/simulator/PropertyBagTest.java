package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IoT Hub's property bags, against the examples in Microsoft's MQTT page and topics captured from IoT Hub. */
class PropertyBagTest {

    @Test
    void decodesATelemetryBagAsIotHubDocumentsIt() {
        // "Communicate with an IoT hub using the MQTT protocol": routing on JSON bodies
        assertThat(PropertyBag.decode("$.ct=application%2Fjson%3Bcharset%3Dutf-8")).containsExactly(
                Map.entry("$.ct", "application/json;charset=utf-8"));
        assertThat(PropertyBag.decode("$.ct=application%2Fjson&$.ce=utf-8&alert=high%20temp&x=a+b")).containsExactly(
                Map.entry("$.ct", "application/json"), Map.entry("$.ce", "utf-8"), Map.entry("alert", "high temp"),
                Map.entry("x", "a b"));
        assertThat(PropertyBag.decode("")).isEmpty();
        assertThat(PropertyBag.decode("flag")).containsExactly(Map.entry("flag", ""));
        assertThatThrownBy(() -> PropertyBag.decode("bad=%zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesACloudToDeviceBagAsIotHubSendsIt() {
        // captured from IoT Hub (az iot device c2d-message send, Azure-Samples IoTMQTTSample):
        // devices/mqtt-dev-01/messages/devicebound/%24.mid=...&%24.to=%2Fdevices%2Fmqtt-dev-01%2Fmessages%2Fdevicebound&%24.ce=utf-8&iothub-ack=none
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("$.mid", "d411e727-f98f");
        bag.put("$.to", "/devices/mqtt-dev-01/messages/devicebound");
        bag.put("$.ce", "utf-8");
        bag.put("iothub-ack", "none");
        assertThat(PropertyBag.encode(bag)).isEqualTo("%24.mid=d411e727-f98f"
                + "&%24.to=%2Fdevices%2Fmqtt-dev-01%2Fmessages%2Fdevicebound&%24.ce=utf-8&iothub-ack=none");
    }

    @Test
    void encodesNullEmptyAndTextValuesAsTheDocumentationShows() {
        // "prop1 with a value of null; prop2, an empty string; and prop3 with a value of 'a string'":
        // /?prop1&prop2=&prop3=a%20string
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("prop1", null);
        bag.put("prop2", "");
        bag.put("prop3", "a string");
        assertThat(PropertyBag.encode(bag)).isEqualTo("prop1&prop2=&prop3=a%20string");
        assertThat(PropertyBag.encode(Map.of("k&=", "ü*~"))).isEqualTo("k%26%3D=%C3%BC%2A~");
        assertThat(PropertyBag.decode(PropertyBag.encode(Map.of("k&=", "ü*~ +")))).containsEntry("k&=", "ü*~ +");
    }
}
