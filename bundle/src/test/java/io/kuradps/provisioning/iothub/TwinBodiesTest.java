package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class TwinBodiesTest {

    private static final JsonNode DOCS = HubVectors.json("msdocs.json");

    @Test
    void theTwinAGetReturnsSplitsIntoVersionedSections() throws Exception {
        TwinBodies.TwinDocument twin = TwinBodies.parseTwin(HubVectors.bytes(DOCS.get("twin_get_response")));
        assertThat(twin.desired().version()).isEqualTo(12);
        assertThat(twin.desired().json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\"}");
        assertThat(twin.reported().version()).isEqualTo(123);
        assertThat(twin.reported().json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\",\"batteryLevel\":55}");
        assertThat(twin.toString()).contains("version=12", "version=123");
    }

    @Test
    void metadataIsNotAProperty() throws Exception {
        TwinBodies.TwinDocument twin = TwinBodies
                .parseTwin(HubVectors.bytes(DOCS.at("/twin_with_metadata/properties")));
        assertThat(twin.desired().properties().has("$metadata")).isFalse();
        assertThat(twin.reported().json())
                .isEqualTo("{\"telemetryConfig\":{\"sendFrequency\":\"5m\",\"status\":\"success\"},\"batteryLevel\":\"55%\"}");
        assertThat(twin.desired().version()).isEqualTo(23);
    }

    @Test
    void aDesiredUpdateKeepsItsNullsAndTheTopicsVersion() throws Exception {
        JsonNode update = DOCS.get("desired_update");
        TwinSection patch = TwinBodies.parseDesiredPatch(HubVectors.bytes(update.get("body")),
                update.get("topic_version").asLong());
        assertThat(patch.version()).isEqualTo(8);
        assertThat(patch.json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\",\"route\":null}");
        assertThatThrownBy(() -> TwinBodies.parseDesiredPatch(HubVectors.bytes(update.get("body")), 9))
                .isInstanceOf(HubProtocolException.class)
                .hasMessage("desired update $version: the body says 8, the topic 9");
        assertThat(TwinBodies.parseDesiredPatch(bytes("{\"a\":1}"), 4).version()).isEqualTo(4);
    }

    @Test
    void malformedTwinsAreNamedErrors() {
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("{\"desired\":{\"$version\":1}}")))
                .isInstanceOf(HubProtocolException.class).hasMessage("twin document reported: missing");
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("{\"desired\":{},\"reported\":{\"$version\":1}}")))
                .hasMessage("twin document desired $version: missing");
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("{\"desired\":{\"$version\":1.5},\"reported\":{\"$version\":1}}")))
                .hasMessage("twin document desired $version: not a version number: 1.5");
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("{\"desired\":[],\"reported\":{}}")))
                .hasMessage("twin document desired: expected a JSON object, got ARRAY");
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("[1]")))
                .hasMessage("twin document: expected a JSON object, got ARRAY");
        assertThatThrownBy(() -> TwinBodies.parseTwin(bytes("{\"a\":1} x")))
                .hasMessageStartingWith("twin document: not valid JSON");
        assertThatThrownBy(() -> TwinBodies.parseTwin(new byte[0])).hasMessage("twin document: empty body");
        assertThatThrownBy(() -> TwinBodies.parseTwin(new byte[TwinJson.MAX_RECEIVED_BYTES + 1]))
                .hasMessageContaining("more than IoT Hub sends");
    }

    @Test
    void aReportedPatchIsCheckedAgainstWhatTheSectionBecomes() throws Exception {
        ObjectNode patch = (ObjectNode) DOCS.get("reported_patch").deepCopy();
        assertThat(new String(TwinBodies.reportedPatch(patch, TwinJson.newObject()), StandardCharsets.UTF_8))
                .isEqualTo("{\"telemetrySendFrequency\":\"35m\",\"batteryLevel\":60}");
        ObjectNode held = TwinJson.newObject();
        for (int i = 0; i < 9; i++) {
            held.put("p" + i, "x".repeat(3600));
        }
        ObjectNode more = TwinJson.newObject().put("p9", "x".repeat(3600));
        assertThatThrownBy(() -> TwinBodies.reportedPatch(more, held)).isInstanceOf(HubLimitException.class)
                .hasMessageContaining("reported: 36020 bytes as IoT Hub counts them, more than its limit of 32768");
        ObjectNode replacing = TwinJson.newObject().putNull("p0").put("p9", "x".repeat(3600));
        assertThat(TwinBodies.reportedPatch(replacing, held)).isNotEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
