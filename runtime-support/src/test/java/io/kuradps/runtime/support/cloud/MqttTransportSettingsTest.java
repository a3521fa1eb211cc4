package io.kuradps.runtime.support.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

import io.kuradps.runtime.support.crypto.DemoCryptoService;

class MqttTransportSettingsTest {

    private static final String SECRET = "SharedAccessSignature sr=hub%2Fdevices%2Fgw&sig=abc&se=1";

    private final DemoCryptoService crypto = new DemoCryptoService();

    MqttTransportSettingsTest() throws Exception {
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("broker-url", "mqtts://hub.azure-devices.net:8883/");
        properties.put("client-id", "gw-1");
        properties.put("username", "hub.azure-devices.net/gw-1/?api-version=2021-04-12");
        properties.put("keep-alive", 30);
        properties.put("timeout", 10);
        properties.put("clean-session", true);
        properties.put("in-flight.persistence", "memory");
        properties.put("topic.context.account-name", "acme");
        return properties;
    }

    private MqttTransportSettings settings(Map<String, Object> properties) {
        return MqttTransportSettings.of(properties, this.crypto, "AA:BB:CC:DD:EE:FF");
    }

    @Test
    void clientIdHasSlashPlusHashAndDotRewrittenToDashesAsKuraDoes() {
        Map<String, Object> properties = defaults();
        properties.put("client-id", "site/a+b#c.d");

        assertThat(settings(properties).clientId()).isEqualTo("site-a-b-c-d");
    }

    @Test
    void emptyClientIdIsThePrimaryMacAddressRewrittenToo() {
        Map<String, Object> properties = defaults();
        properties.put("client-id", " ");

        assertThat(settings(properties).clientId()).isEqualTo("AA:BB:CC:DD:EE:FF");
    }

    @Test
    void brokerUrlTakesPahosSchemeAndLosesOneTrailingSlash() {
        Map<String, Object> properties = defaults();
        assertThat(settings(properties).brokerUrl()).isEqualTo("ssl://hub.azure-devices.net:8883");
        assertThat(settings(properties).secure()).isTrue();

        properties.put("broker-url", "wss://hub.azure-devices.net:443/$iothub/websocket");
        assertThat(settings(properties).brokerUrl()).isEqualTo("wss://hub.azure-devices.net:443/$iothub/websocket");
        assertThat(settings(properties).secure()).isTrue();

        properties.put("broker-url", "mqtt://broker:1883/");
        assertThat(settings(properties).brokerUrl()).isEqualTo("tcp://broker:1883");
        assertThat(settings(properties).secure()).isFalse();
    }

    @Test
    void passwordIsDecryptedOrTakenAsItIsWhenItDoesNotDecrypt() throws Exception {
        Map<String, Object> properties = defaults();
        properties.put("password", new String(this.crypto.encryptAes(SECRET.toCharArray())));
        assertThat(settings(properties).connectOptions().getPassword()).containsExactly(SECRET.toCharArray());

        properties.put("password", SECRET);
        assertThat(settings(properties).connectOptions().getPassword()).containsExactly(SECRET.toCharArray());
    }

    @Test
    void anEmptyPasswordEncryptedOrNotIsNoPassword() throws Exception {
        Map<String, Object> properties = defaults();
        properties.put("password", new String(this.crypto.encryptAes(new char[0])));
        assertThat(settings(properties).connectOptions().getPassword()).isNull();

        properties.put("password", "");
        assertThat(settings(properties).connectOptions().getPassword()).isNull();
    }

    @Test
    void willIsSetOnlyWithATopicAndGetsItsVariablesReplaced() {
        Map<String, Object> properties = defaults();
        properties.put("lwt.topic", "");
        assertThat(settings(properties).connectOptions().getWillDestination()).isNull();

        properties.put("lwt.topic", "$EDC/#account-name/#client-id/MQTT/LWT");
        properties.put("lwt.qos", 1);
        MqttConnectOptions options = settings(properties).connectOptions();
        assertThat(options.getWillDestination()).isEqualTo("$EDC/acme/gw-1/MQTT/LWT");
        assertThat(options.getWillMessage().getQos()).isEqualTo(1);
    }

    @Test
    void topicVariablesAreReplacedAndUnknownOnesKept() {
        assertThat(settings(defaults()).replaceTopicVariables("devices/#client-id/messages/events/#other"))
                .isEqualTo("devices/gw-1/messages/events/#other");
    }

    @Test
    void badValuesAreRefusedNamingTheProperty() {
        Map<String, Object> noBroker = defaults();
        noBroker.remove("broker-url");
        assertThatThrownBy(() -> settings(noBroker)).hasMessageContaining("broker-url");

        Map<String, Object> negative = defaults();
        negative.put("keep-alive", -1);
        assertThatThrownBy(() -> settings(negative)).hasMessageContaining("keep-alive");

        Map<String, Object> persistence = defaults();
        persistence.put("in-flight.persistence", "disk");
        assertThatThrownBy(() -> settings(persistence)).hasMessageContaining("in-flight.persistence");
    }

    @Test
    void descriptionNeverShowsThePassword() {
        Map<String, Object> properties = defaults();
        properties.put("password", SECRET);

        assertThat(settings(properties).toString()).doesNotContain("sig=").contains("gw-1");
    }
}
