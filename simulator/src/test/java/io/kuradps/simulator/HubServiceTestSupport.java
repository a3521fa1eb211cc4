package io.kuradps.simulator;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The world of the hub's service-side tests: one simulator per test class with its hub endpoint and service API, on
 * a clock the tests move, and symmetric-key devices provisioned to one hub, each test its own.
 */
abstract class HubServiceTestSupport {

    static final String KEY = RegistrationTest.KEY;
    static final String HUB = "kura-dps-service-hub.azure-devices.net";
    static final Duration WAIT = TestDevice.WAIT;

    static MutableClock clock;
    static DpsSimulator dps;
    static HubSimulator hub;

    @BeforeAll
    static void startSimulator() {
        clock = new MutableClock(Instant.now());
        dps = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).hubServicePort(0).clock(clock).start();
        hub = dps.hub();
    }

    @AfterAll
    static void stopSimulator() {
        dps.close();
    }

    /** A device of its own, provisioned through DPS to {@link #HUB}. */
    static HubClient.Assignment provision(String registrationId) {
        dps.enrollments().put(Enrollment.individual(registrationId, Attestation.symmetricKey(KEY)).withIotHubs(HUB));
        return HubClient.provision(dps, registrationId, KEY);
    }

    /** A raw MQTT connection of the device to its hub, connected. */
    static TestDevice raw(HubClient.Assignment device, boolean cleanSession) {
        return HubClient.raw(dps, device, KEY, cleanSession);
    }
}
