package io.kuradps.provisioning.api.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;

class DeviceApiValuesTest {

    private static final Instant DUE = Instant.parse("2026-12-01T10:00:30Z");

    @Test
    void theValuesCompareByValue() {
        EqualsVerifier.forClass(MethodRequest.class).suppress(Warning.NULL_FIELDS).verify();
        EqualsVerifier.forClass(MethodResponse.class).verify();
        EqualsVerifier.forClass(TwinProperties.class).suppress(Warning.NULL_FIELDS).verify();
    }

    @Test
    void aRequestNeedsItsPartsAndNeverPrintsItsPayload() {
        MethodRequest request = new MethodRequest("reboot", "{\"secret\":\"s3\"}", DUE);
        assertThat(request.toString()).contains("reboot", "15 chars", "2026-12-01T10:00:30Z").doesNotContain("s3");
        assertThatThrownBy(() -> new MethodRequest("", "null", DUE)).hasMessage("methodName is required");
        assertThatThrownBy(() -> new MethodRequest("m", "", DUE)).hasMessageStartingWith("payloadJson is required");
        assertThatThrownBy(() -> new MethodRequest("m", "null", null)).hasMessage("deadline is required");
    }

    @Test
    void aResponseHasAStatusIoTHubCarriesAndAnOptionalBody() {
        assertThat(MethodResponse.ok().status()).isEqualTo(200);
        assertThat(MethodResponse.ok().bodyJson()).isEmpty();
        assertThat(MethodResponse.ok("{}").bodyJson()).contains("{}");
        assertThat(MethodResponse.of(404, "")).isEqualTo(MethodResponse.of(404, null));
        assertThat(MethodResponse.of(500, "{\"a\":1}").toString()).isEqualTo("MethodResponse[500, 7 chars]");
        assertThatThrownBy(() -> MethodResponse.of(-1, null)).hasMessage("status -1 is outside 0..65535");
        assertThatThrownBy(() -> MethodResponse.of(65536, null)).hasMessage("status 65536 is outside 0..65535");
    }

    @Test
    void twinPropertiesNeedTextAndAVersion() {
        TwinProperties desired = new TwinProperties("{\"a\":1}", 12);
        assertThat(desired.json()).isEqualTo("{\"a\":1}");
        assertThat(desired.version()).isEqualTo(12);
        assertThat(desired.toString()).isEqualTo("TwinProperties[version=12, {\"a\":1}]");
        assertThatThrownBy(() -> new TwinProperties(null, 1)).hasMessage("json is required");
        assertThatThrownBy(() -> new TwinProperties("{}", -1)).hasMessage("version -1 is negative");
    }

    @Test
    void theNamesOtherBundlesUseAreStable() {
        assertThat(DirectMethodHandler.METHOD_NAME).isEqualTo("kuradps.method.name");
        assertThat(DirectMethodHandler.TIMEOUT_SECONDS).isEqualTo("kuradps.method.timeout.seconds");
        assertThat(DeviceTwinEvents.TOPIC_DESIRED).isEqualTo("io/kuradps/provisioning/DeviceTwin/DESIRED");
        assertThat(DeviceTwin.KURA_DPS).isEqualTo("kuraDps");
        assertThat(DeviceTwin.KURA_CONFIGURATION).isEqualTo("kuraConfiguration");
    }
}
