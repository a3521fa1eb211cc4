package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class DesiredConfigurationTest {

    private static final String CLOCK = "org.eclipse.kura.clock.ClockService";
    private static final String WATCHDOG = "org.eclipse.kura.watchdog.WatchdogService";
    private static final String TRANSPORT = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    private static final Map<String, Map<String, PropertyKind>> DEFINITIONS = definitions();

    private static final DesiredConfiguration.Policy ALLOWING = new DesiredConfiguration.Policy(true,
            set(CLOCK, WATCHDOG, TRANSPORT, "io.kuradps.provisioning.DpsProvisioner", "org.example.Unknown"),
            set(TRANSPORT));

    @Test
    void anAllowedPidIsAppliedWithKurasTypes() throws Exception {
        List<DesiredConfiguration.Decision> decisions = DesiredConfiguration.decide(desired(
                "{\"kuraConfiguration\":{\"org~eclipse~kura~clock~ClockService\":{\"clock~ntp~host\":\"pool.ntp.org\","
                        + "\"clock~ntp~port\":123,\"enabled\":true,\"clock~ntp~refresh-interval\":3600,"
                        + "\"weights\":[1.5,2],\"letters\":[\"a\",\"b\"]}},\"other\":1}"),
                ALLOWING, DEFINITIONS);

        assertThat(decisions).hasSize(1);
        DesiredConfiguration.Decision clock = decisions.get(0);
        assertThat(clock.pid()).isEqualTo(CLOCK);
        assertThat(clock.refusal()).isEmpty();
        Map<String, Object> properties = clock.properties().get();
        assertThat(properties).containsEntry("clock.ntp.host", "pool.ntp.org").containsEntry("clock.ntp.port", 123)
                .containsEntry("enabled", true).containsEntry("clock.ntp.refresh-interval", 3600L);
        assertThat((Double[]) properties.get("weights")).containsExactly(1.5, 2.0);
        assertThat((String[]) properties.get("letters")).containsExactly("a", "b");
        assertThat(clock.toString()).startsWith("Apply[" + CLOCK);
    }

    @Test
    void everythingIsRefusedWhileTheFeatureIsOff() throws Exception {
        DesiredConfiguration.Policy off = new DesiredConfiguration.Policy(false, set(CLOCK), set());
        List<DesiredConfiguration.Decision> decisions = DesiredConfiguration
                .decide(desired("{\"kuraConfiguration\":{\"org~eclipse~kura~clock~ClockService\":{}}}"), off, DEFINITIONS);
        assertThat(decisions.get(0).refusal()).contains("desired configuration is off on this gateway");
        assertThat(decisions.get(0).properties()).isEmpty();
    }

    @Test
    void pidsOutsideTheListOwnAndProtectedOnesAndUnknownOnesAreRefusedWithTheReason() throws Exception {
        List<DesiredConfiguration.Decision> decisions = DesiredConfiguration.decide(desired("{\"kuraConfiguration\":{"
                + "\"org~eclipse~kura~net~admin~NetworkConfigurationService\":{\"a\":1},"
                + "\"io~kuradps~provisioning~DpsProvisioner\":{\"enabled\":false},"
                + "\"org~eclipse~kura~cloudconnection~raw~mqtt~MqttDataTransport\":{\"broker-url\":\"x\"},"
                + "\"org~example~Unknown\":{},"
                + "\"org~eclipse~kura~watchdog~WatchdogService\":5}}"), ALLOWING, DEFINITIONS);

        assertThat(decisions).extracting(d -> d.refusal().get()).containsExactly(
                "org.eclipse.kura.net.admin.NetworkConfigurationService is not on this gateway's allow-list",
                "io.kuradps.provisioning.DpsProvisioner is protected: the provisioner and the hub connection are"
                        + " never configured from the cloud",
                TRANSPORT + " is protected: the provisioner and the hub connection are never configured from the cloud",
                "Kura has no configuration for org.example.Unknown",
                "expected an object of property ids and values, got NUMBER");
    }

    @Test
    void secretsUnknownPropertiesAndWrongTypesRefuseTheWholePid() throws Exception {
        assertThat(refusal("{\"clock~ntp~host\":\"h\",\"ssl~password\":\"x\"}"))
                .isEqualTo("ssl.password: " + CLOCK + " is a secret, which is never set from the cloud");
        assertThat(refusal("{\"api~token\":\"x\"}")).contains("is a secret");
        assertThat(refusal("{\"symmetric~key\":\"x\"}")).contains("is a secret");
        assertThat(refusal("{\"nope\":1}")).isEqualTo("nope: " + CLOCK + " has no such property");
        assertThat(refusal("{\"clock~ntp~port\":\"123\"}"))
                .isEqualTo("clock.ntp.port: " + CLOCK + " expects a whole number that fits a Kura Integer, got STRING \"123\"");
        assertThat(refusal("{\"clock~ntp~port\":1.5}")).contains("expects a whole number");
        assertThat(refusal("{\"clock~ntp~port\":4294967296}")).contains("expects a whole number");
        assertThat(refusal("{\"enabled\":\"yes\"}")).contains("expects true or false");
        assertThat(refusal("{\"letters\":[\"a\",[\"b\"]]}")).contains("expects a string");
        assertThat(refusal("{\"initial\":\"ab\"}")).contains("expects a one-character string");
        assertThat(refusal("{\"initial\":\"z\",\"tiny\":127,\"small\":-32768,\"ratio\":0.5}")).isNull();
        assertThat(refusal("{\"tiny\":128}")).contains("fits a Kura Byte");
    }

    @Test
    void noMemberNoDecisionsAndTheOutcomeIsReportable() throws Exception {
        assertThat(DesiredConfiguration.decide(desired("{\"other\":1}"), ALLOWING, DEFINITIONS)).isEmpty();
        assertThat(DesiredConfiguration.decide(desired("{\"kuraConfiguration\":3}"), ALLOWING, DEFINITIONS)).isEmpty();
        assertThat(TwinJson.text(DesiredConfiguration.outcome("applied", null, 12)))
                .isEqualTo("{\"status\":\"applied\",\"desiredVersion\":12}");
        assertThat(TwinJson.text(DesiredConfiguration.outcome("refused", "r".repeat(5000), 12)))
                .hasSize("{\"status\":\"refused\",\"reason\":\"\",\"desiredVersion\":12}".length() + 1024 + 3);
        assertThat(DesiredConfiguration.isSecretName("keystore.path")).isFalse();
        assertThat(DesiredConfiguration.isSecretName("ssl.default.privateKey")).isTrue();
    }

    @Test
    void kuraIdsBecomeTwinKeysAndBack() {
        assertThat(TwinKeys.toKey(CLOCK)).isEqualTo("org~eclipse~kura~clock~ClockService");
        assertThat(TwinKeys.toId(TwinKeys.toKey("clock.ntp.host"))).isEqualTo("clock.ntp.host");
        assertThatThrownBy(() -> TwinKeys.toKey("a~b")).hasMessageContaining("cannot be a twin key");
        assertThatThrownBy(() -> TwinKeys.toKey("")).hasMessageContaining("cannot be a twin key");
        assertThat(PropertyKind.of("Integer")).isEqualTo(PropertyKind.INTEGER);
        assertThatThrownBy(() -> PropertyKind.of("Decimal")).hasMessage("'Decimal' is not a Kura property type");
    }

    private static String refusal(String values) throws Exception {
        return DesiredConfiguration.decide(desired("{\"kuraConfiguration\":{\"org~eclipse~kura~clock~ClockService\":"
                + values + "}}"), ALLOWING, DEFINITIONS).get(0).refusal().orElse(null);
    }

    private static JsonNode desired(String json) throws Exception {
        return TwinJson.read(json.getBytes(StandardCharsets.UTF_8), "desired");
    }

    private static Map<String, Map<String, PropertyKind>> definitions() {
        Map<String, PropertyKind> clock = new LinkedHashMap<>();
        clock.put("clock.ntp.host", PropertyKind.STRING);
        clock.put("clock.ntp.port", PropertyKind.INTEGER);
        clock.put("clock.ntp.refresh-interval", PropertyKind.LONG);
        clock.put("enabled", PropertyKind.BOOLEAN);
        clock.put("weights", PropertyKind.DOUBLE);
        clock.put("letters", PropertyKind.STRING);
        clock.put("initial", PropertyKind.CHAR);
        clock.put("tiny", PropertyKind.BYTE);
        clock.put("small", PropertyKind.SHORT);
        clock.put("ratio", PropertyKind.FLOAT);
        clock.put("ssl.password", PropertyKind.STRING);
        clock.put("api.token", PropertyKind.STRING);
        clock.put("symmetric.key", PropertyKind.PASSWORD);
        Map<String, Map<String, PropertyKind>> definitions = new HashMap<>();
        definitions.put(CLOCK, clock);
        definitions.put(WATCHDOG, Collections.singletonMap("enabled", PropertyKind.BOOLEAN));
        definitions.put(TRANSPORT, Collections.singletonMap("broker-url", PropertyKind.STRING));
        definitions.put("io.kuradps.provisioning.DpsProvisioner", Collections.singletonMap("enabled",
                PropertyKind.BOOLEAN));
        return definitions;
    }

    private static Set<String> set(String... values) {
        return new HashSet<>(java.util.Arrays.asList(values));
    }
}
