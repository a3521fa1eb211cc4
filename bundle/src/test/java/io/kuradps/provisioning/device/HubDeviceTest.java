package io.kuradps.provisioning.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.iothub.HubTopics;
import io.kuradps.provisioning.iothub.PropertyKind;
import io.kuradps.provisioning.iothub.TwinSection;
import io.kuradps.provisioning.protocol.FakeClock;
import io.kuradps.provisioning.testing.Configs;

/** The twin over a recording connection, with timers on a fake clock: what is subscribed, sent and told, when. */
class HubDeviceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TWIN_GET = "$iothub/twin/GET/";
    private static final String PATCH = "$iothub/twin/PATCH/properties/reported/";
    private static final String CLOCK_PID = "org.eclipse.kura.clock.ClockService";
    private static final String CLOCK_KEY = "org~eclipse~kura~clock~ClockService";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final DeviceFakes.Timers timers = new DeviceFakes.Timers(clock);
    private final DeviceFakes.Connection connection = new DeviceFakes.Connection();
    private final DeviceFakes.Kura kura = new DeviceFakes.Kura();
    private final List<String> desiredTold = new ArrayList<>();
    private final List<Long> reportedTold = new ArrayList<>();
    private HubDevice device;

    @BeforeEach
    void newDevice() {
        device = new HubDevice(clock, new Random(3), timers, new KuraConfigurations(kura),
                () -> new HashSet<>(Arrays.asList("org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport",
                        "SSLKeystore")),
                new HubDevice.Listener() {
                    @Override
                    public void desiredChanged(TwinSection desired, TwinSection patch) {
                        desiredTold.add(desired.version() + (patch == null ? " full " : " patch ") + desired.json());
                    }

                    @Override
                    public void reportedHeld(TwinSection reported) {
                        reportedTold.add(reported.version());
                    }
                });
        device.provisioningState(state("hub-a.azure-devices.net"));
    }

    @Test
    void aConnectSubscribesToMethodsAndTheTwinThenReadsTheWholeTwin() {
        device.connected(connection);

        assertThat(connection.subscribed).containsExactly(HubTopics.METHOD_CALLS, HubTopics.TWIN_RESPONSES,
                HubTopics.DESIRED_UPDATES);
        assertThat(connection.published).hasSize(1);
        assertThat(connection.published.get(0).topic).startsWith(TWIN_GET);
        assertThat(device.describe()).isEqualTo("connected");
    }

    @Test
    void theProvisioningStateIsReportedOnceAndAfterAReconnectOnlyWhenItChanged() throws Exception {
        device.connected(connection);
        answerGet("{}", 1, "{}", 1);

        DeviceFakes.Published patch = connection.last(PATCH);
        assertThat(JSON.readTree(patch.body()).get("kuraDps").get("hub").asText()).isEqualTo("hub-a.azure-devices.net");
        answer(patch, 204, 2);
        assertThat(reportedTold).containsExactly(1L, 2L);
        assertThat(device.describe()).isEqualTo("connected, desired $version 1, reported $version 2");

        device.disconnected();
        device.connected(connection);
        answerGet("{}", 1, "{\"kuraDps\":" + state("hub-a.azure-devices.net") + "}", 2);
        assertThat(connection.on(PATCH)).as("the hub holds it already").hasSize(1);

        device.provisioningState(state("hub-b.azure-devices.net"));
        assertThat(JSON.readTree(connection.last(PATCH).body()))
                .isEqualTo(JSON.readTree("{\"kuraDps\":{\"hub\":\"hub-b.azure-devices.net\"}}"));
    }

    @Test
    void switchedOffTheProvisioningStateIsDeletedFromTheTwin() throws Exception {
        device.connected(connection);
        answerGet("{}", 1, "{\"kuraDps\":" + state("hub-a.azure-devices.net") + "}", 4);
        assertThat(connection.on(PATCH)).isEmpty();

        device.settings(settings("reported.state", false));

        assertThat(JSON.readTree(connection.last(PATCH).body())).isEqualTo(JSON.readTree("{\"kuraDps\":null}"));
    }

    @Test
    void directMethodsSwitchedOffAreNotSubscribedAndSwitchedOnAreAtOnce() {
        device.settings(settings("direct.methods", false));
        device.connected(connection);
        assertThat(connection.subscribed).doesNotContain(HubTopics.METHOD_CALLS);

        device.settings(settings());
        assertThat(connection.subscribed).endsWith(HubTopics.METHOD_CALLS);
        device.settings(settings("direct.methods", false));
        assertThat(connection.unsubscribed).containsExactly(HubTopics.METHOD_CALLS);
    }

    @Test
    void desiredPropertiesAreToldWholeAfterAConnectAndAsPatchedAfterAPush() {
        device.connected(connection);
        answerGet("{\"interval\":30}", 7, "{}", 1);
        device.messageArrived("$iothub/twin/PATCH/properties/desired/?$version=8",
                "{\"interval\":10,\"$version\":8}".getBytes(StandardCharsets.UTF_8));

        assertThat(desiredTold).containsExactly("7 full {\"interval\":30}", "8 patch {\"interval\":10}");
    }

    @Test
    void aThrottledTwinReadIsSentAgainAfterItsWait() {
        device.connected(connection);
        answer(connection.last(TWIN_GET), 429, null);
        assertThat(connection.on(TWIN_GET)).hasSize(1);
        assertThat(device.describe()).contains("last failure: the hub answered the twin GET with 429");

        timers.advance(HubDevice.RETRY_FIRST);

        assertThat(connection.on(TWIN_GET)).as("full jitter, never below the first cap of 1 s").hasSize(2);
    }

    @Test
    void aRefusedSubscriptionIsTriedAgainAfterAWaitAndTheTwinIsReadThen() {
        connection.subscriptionsToRefuse = 1;
        device.connected(connection);
        assertThat(connection.published).isEmpty();
        assertThat(device.describe()).contains("subscribing to $iothub/methods/POST/# failed");

        timers.advance(HubDevice.RETRY_FIRST);

        assertThat(connection.subscribed).containsExactly(HubTopics.METHOD_CALLS, HubTopics.TWIN_RESPONSES,
                HubTopics.DESIRED_UPDATES);
        assertThat(connection.on(TWIN_GET)).hasSize(1);
    }

    @Test
    void aLostConnectionCancelsTheTwinsTimerAndNothingIsSentUntilTheNextConnect() {
        device.connected(connection);
        device.disconnected();
        timers.advance(HubDevice.RESPONSE_TIMEOUT.multipliedBy(2));
        device.report("firmware", JSON.getNodeFactory().textNode("1.2"));

        assertThat(connection.published).hasSize(1);
        assertThat(device.describe()).isEqualTo("not connected");
    }

    @Test
    void desiredKuraConfigurationIsAppliedToAnAllowedPidOnceAndItsOutcomeReported() throws Exception {
        kura.track(CLOCK_PID, "clock.ntp.host", PropertyKind.STRING, "0.pool.ntp.org");
        device.settings(settings("desired.configuration", true, "desired.configuration.pids", CLOCK_PID));
        device.connected(connection);

        answerGet("{\"kuraConfiguration\":{\"" + CLOCK_KEY + "\":{\"clock~ntp~host\":\"time.example.com\"}}}",
                5, held(), 1);

        assertThat(kura.updates).containsExactly(CLOCK_PID + "{clock.ntp.host=time.example.com}");
        JsonNode outcome = JSON.readTree(connection.last(PATCH).body()).at("/kuraConfiguration/" + CLOCK_KEY);
        assertThat(outcome).isEqualTo(JSON.readTree("{\"status\":\"applied\",\"desiredVersion\":5}"));

        device.messageArrived("$iothub/twin/PATCH/properties/desired/?$version=6",
                "{\"unrelated\":1}".getBytes(StandardCharsets.UTF_8));
        device.disconnected();
        device.connected(connection);
        answerGet("{\"kuraConfiguration\":{\"" + CLOCK_KEY + "\":{\"clock~ntp~host\":\"time.example.com\"}},"
                + "\"unrelated\":1}", 6, "{}", 2);
        assertThat(kura.updates).as("neither another change nor a reconnect writes it again").hasSize(1);
    }

    @Test
    void aPidOutsideTheAllowListIsRefusedAndAProtectedOneToo() throws Exception {
        kura.track(CLOCK_PID, "clock.ntp.host", PropertyKind.STRING, "0.pool.ntp.org");
        device.settings(settings("desired.configuration", true, "desired.configuration.pids", "SSLKeystore"));
        device.connected(connection);

        answerGet("{\"kuraConfiguration\":{\"" + CLOCK_KEY + "\":{\"clock~ntp~host\":\"x\"},"
                + "\"SSLKeystore\":{\"keystore~path\":\"/tmp/x\"}}}", 2, held(), 1);

        assertThat(kura.updates).isEmpty();
        JsonNode reported = JSON.readTree(connection.last(PATCH).body()).get("kuraConfiguration");
        assertThat(reported.at("/" + CLOCK_KEY + "/status").asText()).isEqualTo("refused");
        assertThat(reported.at("/" + CLOCK_KEY + "/reason").asText()).contains("not on this gateway's allow-list");
        assertThat(reported.at("/SSLKeystore/reason").asText()).contains("is protected");
    }

    @Test
    void aValueKuraHoldsAlreadyIsNotWrittenAndAFailedWriteIsReportedFailed() throws Exception {
        kura.track(CLOCK_PID, "clock.ntp.host", PropertyKind.STRING, "time.example.com");
        kura.track(CLOCK_PID, "clock.ntp.port", PropertyKind.INTEGER, 123);
        device.settings(settings("desired.configuration", true, "desired.configuration.pids", CLOCK_PID));
        device.connected(connection);
        answerGet("{\"kuraConfiguration\":{\"" + CLOCK_KEY + "\":{\"clock~ntp~host\":\"time.example.com\"}}}",
                2, held(), 1);
        assertThat(kura.updates).isEmpty();
        assertThat(JSON.readTree(connection.last(PATCH).body()).at("/kuraConfiguration/" + CLOCK_KEY + "/status")
                .asText()).isEqualTo("applied");
        answer(connection.last(PATCH), 204, 2);

        kura.failure = "Kura refused it";
        device.messageArrived("$iothub/twin/PATCH/properties/desired/?$version=3", ("{\"kuraConfiguration\":{\""
                + CLOCK_KEY + "\":{\"clock~ntp~port\":124}}}").getBytes(StandardCharsets.UTF_8));

        JsonNode outcome = JSON.readTree(connection.last(PATCH).body()).at("/kuraConfiguration/" + CLOCK_KEY);
        assertThat(outcome.get("status").asText()).isEqualTo("failed");
        assertThat(outcome.get("reason").asText()).contains("Kura refused it");
        assertThat(outcome.get("desiredVersion").asLong()).isEqualTo(3);
    }

    @Test
    void switchingTheFeatureOnDecidesAgainWhatWasRefused() throws Exception {
        kura.track(CLOCK_PID, "clock.ntp.host", PropertyKind.STRING, "0.pool.ntp.org");
        device.connected(connection);
        answerGet("{\"kuraConfiguration\":{\"" + CLOCK_KEY + "\":{\"clock~ntp~host\":\"time.example.com\"}}}",
                2, held(), 1);
        assertThat(JSON.readTree(connection.last(PATCH).body()).at("/kuraConfiguration/" + CLOCK_KEY + "/reason")
                .asText()).isEqualTo("desired configuration is off on this gateway");
        answer(connection.last(PATCH), 204, 2);

        device.settings(settings("desired.configuration", true, "desired.configuration.pids", CLOCK_PID));

        assertThat(kura.updates).containsExactly(CLOCK_PID + "{clock.ntp.host=time.example.com}");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** The hub answers the last twin GET with these sections. */
    private void answerGet(String desired, long desiredVersion, String reported, long reportedVersion) {
        ObjectNode twin = JSON.createObjectNode();
        twin.set("desired", read(desired).put("$version", desiredVersion));
        twin.set("reported", read(reported).put("$version", reportedVersion));
        device.messageArrived("$iothub/twin/res/200/?$rid=" + connection.last(TWIN_GET).rid(),
                twin.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void answer(DeviceFakes.Published request, int status, Integer version) {
        device.messageArrived("$iothub/twin/res/" + status + "/?$rid=" + request.rid()
                + (version == null ? "" : "&$version=" + version), new byte[0]);
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** The reported section of a hub that holds the provisioning state already. */
    private static String held() {
        return "{\"kuraDps\":" + state("hub-a.azure-devices.net") + "}";
    }

    private static ObjectNode state(String hub) {
        ObjectNode state = JSON.createObjectNode();
        state.put("hub", hub);
        state.put("deviceId", "gw-1");
        return state;
    }

    private static DeviceSettings settings(Object... keyValues) {
        return DeviceSettings.from(Configs.of(DeviceTwinConfig.class, keyValues));
    }
}
