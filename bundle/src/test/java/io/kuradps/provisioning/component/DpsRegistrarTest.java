package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import io.kuradps.provisioning.protocol.FakeClock;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real registrar against a simulator that throttles every register request. */
class DpsRegistrarTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    static Path simulatorFiles;
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A")
                .caDirectory(simulatorFiles)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(TestConfigs.DEVICE_KEY)),
                        Enrollment.individual("gateway-2", Attestation.symmetricKey(TestConfigs.DEVICE_KEY))))
                .start();
        simulator.faults().on(Faults.Trigger.REGISTER).inject(Fault.throttled(1));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void aRunAfterAThrottledOneKeepsTheSpreadItHadReachedForTheSameRegistrationOnly() throws Exception {
        FakeClock clock = new FakeClock(START);
        DpsRegistrar registrar = new DpsRegistrar(new KuraKeystores(null), new ServiceClock(clock));
        ProvisioningConfig.Registration gateway = registration("gateway-1");

        assertThat(firstThrottledWait(registrar, gateway, clock)).as("first throttle: 1 s plus 5 to 10 s")
                .isBetween(Duration.ofSeconds(6), Duration.ofSeconds(11));
        clock.advance(Duration.ofSeconds(600));
        assertThat(firstThrottledWait(registrar, gateway, clock))
                .as("throttled for 600 s by the run before: 1 s plus half to all of 200 s")
                .isBetween(Duration.ofSeconds(101), Duration.ofSeconds(201));
        clock.advance(Duration.ofSeconds(600));
        assertThat(firstThrottledWait(registrar, registration("gateway-2"), clock)).as("another registration")
                .isBetween(Duration.ofSeconds(6), Duration.ofSeconds(11));
    }

    private ProvisioningConfig.Registration registration(String registrationId) throws Exception {
        return TestConfigs.registration(TestConfigs.valid("registration.id", registrationId, "id.scope", "0ne00000A0A",
                "global.endpoint", "localhost:" + simulator.mqttPort(), "ca.file",
                simulator.caCertificateFile().toString(), "backoff.max.seconds", 300, "deadline.seconds", 3600));
    }

    /** Runs until the first 429 is answered with a wait, then cancels the run; the clock stands still meanwhile. */
    private static Duration firstThrottledWait(DpsRegistrar registrar, ProvisioningConfig.Registration registration,
            FakeClock clock) {
        AtomicReference<FlowAction.Retrying> seen = new AtomicReference<>();
        assertThatThrownBy(() -> registrar.register(registration, retrying -> {
            seen.set(retrying);
            Thread.currentThread().interrupt();
        })).isInstanceOf(InterruptedException.class);
        Thread.interrupted();
        return Duration.between(clock.instant(), seen.get().retryAt());
    }
}
