package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.protocol.MqttTransport;

class HubLinkSettingsTest {

    @Test
    void defaultsAreTheRawStackOverMqttRenewingAt85Percent() throws Exception {
        HubLinkSettings settings = HubLinkSettings.from(HubConfigs.of("enabled", true));
        assertThat(settings.transportPid).isEqualTo("org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport");
        assertThat(settings.createStack).isTrue();
        assertThat(settings.transport).isEqualTo(MqttTransport.MQTT);
        assertThat(settings.renewal.lifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.addAzureRoots).isFalse();
    }

    @Test
    void disabledIsNotValidated() throws Exception {
        assertThat(HubLinkSettings.from(HubConfigs.of("transport", "amqp")).enabled).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token.lifetime.seconds|9|outside 10..31536000 s",
        "token.lifetime.seconds|31536001|outside",
        "token.renewal.percent|49|outside 50..95 %",
        "token.renewal.percent|96|outside",
        "transport|amqp|not one of mqtt, mqtt-websocket",
        "transport.service.pid| |is required",
        "model.id|thermostat|not a DTMI",
    })
    void eachFieldIsValidatedByName(String field, String value, String expected) {
        Object typed = field.endsWith("seconds") || field.endsWith("percent") ? (Object) Integer.valueOf(value)
                : value == null ? "" : value;
        assertThatThrownBy(() -> HubLinkSettings.from(HubConfigs.of("enabled", true, field, typed)))
                .isInstanceOf(HubConfigurationException.class).hasMessageStartingWith(field + ": ")
                .hasMessageContaining(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "token.lifetime.seconds|10", "token.lifetime.seconds|31536000",
        "token.renewal.percent|50", "token.renewal.percent|95" })
    void bothEndsOfEveryBoundAreAccepted(String field, int value) throws Exception {
        assertThat(HubLinkSettings.from(HubConfigs.of("enabled", true, field, value)).enabled).isTrue();
    }
}
