package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegistrationTest {

    static final String KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    static final String GROUP_KEY = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A")
                .enrollments(Enrollments.of(
                        Enrollment.individual("dev-1", Attestation.symmetricKey(KEY)).withDeviceId("gateway-1")
                                .withIotHubs("hub-a.azure-devices.net"),
                        Enrollment.group("fleet", Attestation.symmetricKey(GROUP_KEY))
                                .withIotHubs("hub-b.azure-devices.net")))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void individualSymmetricKeyDeviceIsAssignedAfterOnePoll() {
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect(simulator, "dev-1", KEY)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            device.subscribeToResponses();
            device.register("7", "dev-1");
            TestDevice.Response accepted = device.response();
            assertThat(accepted.topic()).startsWith("$dps/registrations/res/202/?$rid=7&retry-after=1");
            assertThat(accepted.json().path("status").asText()).isEqualTo("assigning");
            String operationId = accepted.json().path("operationId").asText();
            assertThat(operationId).matches("4\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");

            device.poll("8", operationId);
            TestDevice.Response done = device.response();
            assertThat(done.topic()).isEqualTo("$dps/registrations/res/200/?$rid=8");
            JsonNode state = done.json().path("registrationState");
            assertThat(done.json().path("status").asText()).isEqualTo("assigned");
            assertThat(state.path("assignedHub").asText()).isEqualTo("hub-a.azure-devices.net");
            assertThat(state.path("deviceId").asText()).isEqualTo("gateway-1");
            assertThat(state.path("substatus").asText()).isEqualTo("initialAssignment");
        }
        assertThat(simulator.counters().count("dev-1", Counters.EventKind.POLL)).isEqualTo(1);
    }

    @Test
    void groupDeviceAuthenticatesWithItsDerivedKey() {
        String registrationId = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, registrationId, TestDevice.derivedKey(GROUP_KEY, registrationId));
            device.subscribeToResponses();
            TestDevice.Response done = device.provision(registrationId);
            JsonNode state = done.json().path("registrationState");
            assertThat(state.path("assignedHub").asText()).isEqualTo("hub-b.azure-devices.net");
            assertThat(state.path("deviceId").asText()).isEqualTo(registrationId);
            assertThat(state.path("symmetricKey").path("enrollmentGroupId").asText()).isEqualTo("fleet");
        }
    }
}
