package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.protocol.MqttTransport;

class TransportPropertiesTest {

    private static final String HUB = "contoso.azure-devices.net";

    @Test
    void mqttOverTls() {
        assertThat(TransportValues.of(TransportProperties.of(HUB, "gw-1", MqttTransport.MQTT, null))).containsExactly(
                entry("broker-url", "mqtts://contoso.azure-devices.net:8883/"),
                entry("client-id", "gw-1"),
                entry("username", "contoso.azure-devices.net/gw-1/?api-version=2021-04-12"),
                entry("clean-session", true),
                entry("lwt.topic", ""));
    }

    @Test
    void webSocketAndModelId() {
        Map<String, Object> values = TransportValues.of(TransportProperties.of(HUB, "gw-1",
                MqttTransport.MQTT_WEBSOCKET, "dtmi:com:example:Thermostat;1"));
        assertThat(values).containsEntry("broker-url", "wss://contoso.azure-devices.net:443/$iothub/websocket")
                .containsEntry("username", "contoso.azure-devices.net/gw-1/?api-version=2021-04-12"
                        + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1");
    }

    @Test
    void neverCarriesThePassword() {
        assertThat(TransportValues.of(TransportProperties.of(HUB, "gw-1", MqttTransport.MQTT, null)))
                .doesNotContainKey("password");
    }

    @Test
    void onlyWhatChangedIsWritten() {
        TransportProperties desired = TransportProperties.of(HUB, "gw-1", MqttTransport.MQTT, null);
        Map<String, Object> current = new HashMap<>(TransportValues.of(desired));
        current.put("clean-session", "true");
        current.put("keep-alive", 30);
        assertThat(desired.changedFrom(current)).isEmpty();
        assertThat(desired.appliedIn(current)).isTrue();

        current.put("broker-url", "mqtts://other.azure-devices.net:8883/");
        current.remove("lwt.topic");
        assertThat(desired.changedFrom(current)).containsOnlyKeys("broker-url");

        current.put("lwt.topic", "$EDC/will");
        assertThat(desired.changedFrom(current)).containsOnlyKeys("broker-url", "lwt.topic");
        assertThat(desired.appliedIn(current)).isFalse();
    }
}
