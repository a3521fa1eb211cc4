package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allocation policies, linked hubs, re-provisioning substatus, disabled enrollments and throttling. */
class AllocationTest {

    static final String KEY = RegistrationTest.KEY;
    static final String GROUP_KEY = RegistrationTest.GROUP_KEY;
    final MutableClock clock = new MutableClock(Instant.now());
    DpsSimulator simulator;

    @BeforeEach
    void start() throws Exception {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).clock(clock).pollsBeforeAssignment(0)
                .enrollmentsFile(EnrollmentFileTest.sample()).throttle(1000).start();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    TestDevice.Response register(String registrationId, String key, String body) {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(registrationId, TestDevice.username(simulator.idScope(), registrationId),
                    TestDevice.sas(simulator.idScope(), registrationId, key, clock.instant().getEpochSecond() + 60));
            device.subscribeToResponses();
            device.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", body);
            return device.response();
        }
    }

    JsonNode assign(String registrationId) {
        TestDevice.Response answer = register(registrationId, KEY, "{\"registrationId\":\"" + registrationId + "\"}");
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().path("registrationState");
    }

    JsonNode assignInGroup(String registrationId) {
        TestDevice.Response answer = register(registrationId, TestDevice.derivedKey(GROUP_KEY, registrationId),
                "{\"registrationId\":\"" + registrationId + "\"}");
        return answer.json().path("registrationState");
    }

    @Test
    void idScopeComesFromTheFile() {
        assertThat(simulator.idScope()).isEqualTo("0ne00000A0A");
    }

    @Test
    void staticAllocationUsesTheFirstHubAndTheInitialDeviceId() {
        JsonNode state = assign("gateway-001");
        assertThat(state.path("assignedHub").asText()).isEqualTo("contoso-hub-1.azure-devices.net");
        assertThat(state.path("deviceId").asText()).isEqualTo("kura-gateway-001");
    }

    @Test
    void hashedAllocationIsStablePerDeviceAndSpreadsAFleet() {
        Set<String> hubs = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String first = assignInGroup("sensor-" + i).path("assignedHub").asText();
            assertThat(assignInGroup("sensor-" + i).path("assignedHub").asText()).isEqualTo(first);
            hubs.add(first);
        }
        assertThat(hubs).containsExactlyInAnyOrder("contoso-hub-1.azure-devices.net", "contoso-hub-2.azure-devices.net");
    }

    @Test
    void roundRobinTakesTheHubsInTurn() {
        simulator.enrollments().put(Enrollment.group("kura-fleet", Attestation.symmetricKey(GROUP_KEY))
                .withIotHubs("h1.azure-devices.net", "h2.azure-devices.net", "h3.azure-devices.net")
                .withAllocationPolicy(AllocationPolicy.ROUND_ROBIN));
        assertThat(assignInGroup("rr-1").path("assignedHub").asText()).isEqualTo("h1.azure-devices.net");
        assertThat(assignInGroup("rr-2").path("assignedHub").asText()).isEqualTo("h2.azure-devices.net");
        assertThat(assignInGroup("rr-3").path("assignedHub").asText()).isEqualTo("h3.azure-devices.net");
        assertThat(assignInGroup("rr-4").path("assignedHub").asText()).isEqualTo("h1.azure-devices.net");
    }

    @Test
    void customAllocationReturnsAPayloadComputedFromTheRequestPayload() {
        TestDevice.Response answer = register("custom-001", KEY, "{\"registrationId\":\"custom-001\",\"payload\":"
                + "{\"model\":\"rpi-4\",\"iotHub\":\"contoso-hub-2.azure-devices.net\"}}");
        JsonNode state = answer.json().path("registrationState");
        assertThat(state.path("assignedHub").asText()).isEqualTo("contoso-hub-2.azure-devices.net");
        assertThat(state.path("payload").path("model").asText()).isEqualTo("rpi-4");
        assertThat(state.path("payload").path("tier").asText()).isEqualTo("gold");
    }

    @Test
    void customAllocationInCodeCanFailWith400207() {
        simulator.enrollments().put(Enrollment.individual("custom-001", Attestation.symmetricKey(KEY))
                .withCustomAllocation((id, payload, hubs) -> {
                    throw new CustomAllocation.CustomAllocationFailure("Custom allocation failed with status code: 400");
                }));
        TestDevice.Response answer = register("custom-001", KEY, "{}");
        assertThat(answer.json().path("status").asText()).isEqualTo("failed");
        assertThat(answer.json().path("registrationState").path("errorCode").asInt()).isEqualTo(400207);
    }

    @Test
    void enrollmentWithoutHubsFailsWith400208() {
        simulator.enrollments().put(Enrollment.individual("lonely", Attestation.symmetricKey(KEY)).withIotHubs());
        JsonNode answer = register("lonely", KEY, "{}").json();
        assertThat(answer.path("status").asText()).isEqualTo("failed");
        assertThat(answer.path("registrationState").path("errorCode").asInt()).isEqualTo(400208);
    }

    @Test
    void disabledEnrollmentAnswersDisabled() {
        TestDevice.Response answer = register("gateway-002", KEY, "{}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("disabled");
        assertThat(answer.json().path("operationId").asText()).isEmpty();
    }

    @Test
    void reprovisioningSubstatusFollowsTheDevicesHistory() {
        Enrollment base = Enrollment.individual("gateway-001", Attestation.symmetricKey(KEY)).withIotHubs("hub-1");
        simulator.enrollments().put(base);
        assertThat(assign("gateway-001").path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(assign("gateway-001").path("substatus").asText()).as("same hub").isEqualTo("initialAssignment");

        simulator.enrollments().put(base.withIotHubs("hub-2"));
        JsonNode moved = assign("gateway-001");
        assertThat(moved.path("assignedHub").asText()).isEqualTo("hub-2");
        assertThat(moved.path("substatus").asText()).isEqualTo("deviceDataMigrated");

        simulator.enrollments().put(base.withIotHubs("hub-3").withReprovisioning(true, false));
        assertThat(assign("gateway-001").path("substatus").asText()).isEqualTo("deviceDataReset");

        simulator.enrollments().put(base);
        assertThat(assign("gateway-001").path("substatus").asText()).isEqualTo("reprovisionedToInitialAssignment");

        simulator.enrollments().put(base.withIotHubs("hub-4").withReprovisioning(false, true));
        assertThat(assign("gateway-001").path("assignedHub").asText()).as("never re-provision").isEqualTo("hub-1");

        simulator.enrollments().put(base.withSubstatus(Enrollment.Substatus.DEVICE_DATA_MIGRATED));
        assertThat(assign("gateway-001").path("substatus").asText()).isEqualTo("deviceDataMigrated");
    }

    @Test
    void throttleAnswers429WithRetryAfterUntilTokensReturn() {
        simulator.close();
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).clock(clock).throttle(0.5)
                .enrollments(Enrollments.of(Enrollment.individual("gateway-001", Attestation.symmetricKey(KEY))))
                .start();
        assertThat(register("gateway-001", KEY, "{}").status()).isEqualTo(202);
        TestDevice.Response throttled = register("gateway-001", KEY, "{}");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.parameter("retry-after")).isEqualTo("2");
        assertThat(throttled.json().path("errorCode").asInt()).isEqualTo(429001);
        clock.advance(Duration.ofSeconds(2));
        assertThat(register("gateway-001", KEY, "{}").status()).isEqualTo(202);
        assertThat(simulator.counters().answers(429)).isEqualTo(1);
    }
}
