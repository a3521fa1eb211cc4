package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hub ends a session when its SAS token expires, on the simulator's clock (here one the test moves). */
class HubTokenExpiryTest {

    static final String KEY = RegistrationTest.KEY;
    static final String HUB = "kura-dps-expiry-hub.azure-devices.net";

    static MutableClock clock;
    static DpsSimulator dps;
    static HubSimulator hub;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now());
        dps = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).clock(clock)
                .enrollments(Enrollments.of(Enrollment.individual("expiring-gw", Attestation.symmetricKey(KEY))
                        .withIotHubs(HUB)))
                .start();
        hub = dps.hub();
    }

    @AfterAll
    static void stop() {
        dps.close();
    }

    @Test
    void theSessionEndsAtTheTokensExpiryAndAFreshTokenConnectsAgain() throws Exception {
        HubClient.Assignment device = HubClient.provision(dps, "expiring-gw", KEY);
        long expiry = clock.instant().getEpochSecond() + 60;
        try (HubClient client = HubClient.connect(device.mqttUrl(), device.deviceId(), HubClient.options(
                device.username(), HubClient.sas(HUB, device.deviceId(), KEY, expiry), hub.socketFactory()))) {
            client.publish(device.telemetryTopic(), "before expiry", 1);
            clock.advance(Duration.ofSeconds(59));
            client.publish(device.telemetryTopic(), "a second before expiry", 1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(client.awaitLost()).as("the hub ends the session at se").isTrue();
        }
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.TOKEN_EXPIRED, 1,
                TestDevice.WAIT)).isTrue();
        assertThat(hub.counters().events(device.deviceId())).filteredOn(e -> e.kind() == HubCounters.EventKind
                .TOKEN_EXPIRED).singleElement().satisfies(e -> assertThat(e.detail()).contains(Long.toString(expiry)));
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), HubClient.options(device.username(),
                HubClient.sas(HUB, device.deviceId(), KEY, expiry), hub.socketFactory()))).isEqualTo(5);
        assertThat(hub.counters().lastRefusal(device.deviceId())).contains("expired at " + expiry);

        try (HubClient renewed = HubClient.connect(hub, device, KEY, clock)) {
            renewed.publish(device.telemetryTopic(), "after renewal", 1);
        }
        assertThat(hub.counters().telemetryMessages(device.deviceId())).extracting(TelemetryMessage::payloadText)
                .containsExactly("before expiry", "a second before expiry", "after renewal");
    }
}
