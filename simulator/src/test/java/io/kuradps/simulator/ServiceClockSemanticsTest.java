package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator is DPS's clock, not the host's: it judges SAS tokens by its own (injected) clock and writes that
 * clock into its answers, so a client whose clock is wrong can be tested against it in both directions.
 */
class ServiceClockSemanticsTest {

    static final String KEY = RegistrationTest.KEY;
    static final Duration DAY = Duration.ofDays(1);

    MutableClock clock;
    DpsSimulator simulator;

    void startWithClockAt(Instant serviceTime) {
        // Whole seconds: DPS writes seven fraction digits, so finer readings would not come back unchanged.
        clock = new MutableClock(serviceTime.truncatedTo(ChronoUnit.SECONDS));
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).clock(clock).idScope("0ne000CLK01")
                .retryAfterSeconds(1)
                .enrollments(Enrollments.of(Enrollment.individual("dev-1", Attestation.symmetricKey(KEY))
                        .withIotHubs("hub-a.azure-devices.net")))
                .start();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    /** A device whose clock is a day behind DPS's signs a token that is already past by DPS's clock. */
    @Test
    void aTokenPastBySimulatorsClockIsRefusedWithTheSimulatorsTimeInTheAnswer() {
        startWithClockAt(Instant.now().plus(DAY));
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            device.subscribeToResponses();
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(401);
            assertThat(Instant.parse(answer.json().path("timestampUtc").asText())).isEqualTo(clock.instant());
        }
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("expired");
    }

    /** The same token, past by the host's clock but not by DPS's, is accepted: only the simulator's clock counts. */
    @Test
    void aTokenValidBySimulatorsClockIsAcceptedWhateverTheHostsClockSays() {
        startWithClockAt(Instant.now().minus(DAY));
        long expiredForTheHost = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("dev-1", TestDevice.username(simulator.idScope(), "dev-1"),
                    TestDevice.sas(simulator.idScope(), "dev-1", KEY, expiredForTheHost));
            device.subscribeToResponses();
            device.register("1", "dev-1");
            TestDevice.Response assigning = device.response();
            assertThat(assigning.status()).isEqualTo(202);
            clock.advance(Duration.ofSeconds(1));
            device.poll("2", assigning.json().path("operationId").asText());
            TestDevice.Response assigned = device.response();
            assertThat(assigned.json().path("status").asText()).isEqualTo("assigned");
            assertThat(Instant.parse(assigned.json().path("registrationState").path("lastUpdatedDateTimeUtc")
                    .asText())).as("DPS's time in a status answer").isEqualTo(clock.instant());
        }
    }
}
