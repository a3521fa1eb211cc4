package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HubConnectValuesTest {

    @Test
    void usernameNamesHubDeviceAndApiVersion() {
        assertThat(HubConnectValues.username("hub.azure-devices.net", "gw-1", null))
                .isEqualTo("hub.azure-devices.net/gw-1/?api-version=2021-04-12");
        assertThat(HubConnectValues.username("hub.azure-devices.net", "gw-1", ""))
                .isEqualTo("hub.azure-devices.net/gw-1/?api-version=2021-04-12");
    }

    @Test
    void modelIdIsPercentEncoded() {
        assertThat(HubConnectValues.username("hub.azure-devices.net", "gw-1", "dtmi:com:example:Thermostat;1"))
                .isEqualTo("hub.azure-devices.net/gw-1/?api-version=2021-04-12"
                        + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1");
    }

    @Test
    void clientIdAndTelemetryTopicAreTheDevicesOwn() {
        assertThat(HubConnectValues.clientId("gw-1")).isEqualTo("gw-1");
        assertThat(HubConnectValues.telemetryTopic("gw-1")).isEqualTo("devices/gw-1/messages/events/");
    }

    @ParameterizedTest
    @ValueSource(strings = { "gw.1", "gw/1", "gw+1", "gw#1" })
    void idsKuraRewritesAreRefusedWithTheReason(String deviceId) {
        assertThat(HubConnectValues.unusableDeviceId(deviceId)).hasValueSatisfying(reason -> assertThat(reason)
                .contains(deviceId).contains("client id").contains("rewrites / + # . to -"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "gw-1", "gw_1", "gw:1", "GW-001" })
    void otherIdsAreUsable(String deviceId) {
        assertThat(HubConnectValues.unusableDeviceId(deviceId)).isEmpty();
    }
}
