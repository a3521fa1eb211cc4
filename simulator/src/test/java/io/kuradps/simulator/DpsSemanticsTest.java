package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DPS's behaviour on the wire, quirks included, each shown with a raw MQTT client. */
class DpsSemanticsTest {

    static final String KEY = RegistrationTest.KEY;
    static final String OTHER_KEY = "YW5vdGhlciBrZXkgdGhhdCBpcyBub3QgZW5yb2xsZWQ=";
    MutableClock clock = new MutableClock(Instant.now());
    DpsSimulator simulator;

    @BeforeEach
    void start() {
        simulator = simulator(DpsSimulator.builder().retryAfterSeconds(3));
    }

    DpsSimulator simulator(DpsSimulator.Builder builder) {
        if (simulator != null) {
            simulator.close();
        }
        simulator = builder.mqttPort(0).webSocketPort(-1).clock(clock).idScope("0ne000SEM01")
                .enrollments(Enrollments.of(Enrollment.individual("dev-1", Attestation.symmetricKey(KEY))
                        .withIotHubs("hub-a.azure-devices.net")))
                .start();
        return simulator;
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    TestDevice connected(String registrationId, String key) {
        TestDevice device = TestDevice.open(simulator);
        assertThat(device.connect(registrationId, TestDevice.username(simulator.idScope(), registrationId),
                TestDevice.sas(simulator.idScope(), registrationId, key, clock.instant().getEpochSecond() + 60)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        device.subscribeToResponses();
        return device;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0ne000SEM01/registrations/dev-1", "0ne000SEM01/devices/dev-1/api-version=2019-03-31",
        "0ne000SEM01/registrations/dev-1/api-version=", "0ne000SEM01/registrations/Dev 1/api-version=2019-03-31", ""})
    void malformedUsernameIsRefusedAtConnect(String username) {
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect("dev-1", username, "x"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void clientIdMustBeTheRegistrationId() {
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect("someone-else", TestDevice.username(simulator.idScope(), "dev-1"), "x"))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        }
    }

    @Test
    void onlyMqtt311IsSpoken() {
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect("dev-1", TestDevice.username(simulator.idScope(), "dev-1"), "x", true,
                    MqttVersion.MQTT_3_1)).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
        }
    }

    @Test
    void unknownRegistrationIsAnswered401OnTheResponseTopicNotAtConnect() {
        try (TestDevice device = connected("nobody", KEY)) {
            device.register("1", "nobody");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo("$dps/registrations/res/401/?$rid=1");
            assertThat(answer.json().path("errorCode").asInt()).isEqualTo(401000);
            assertThat(answer.json().path("message").asText()).isEqualTo("Unauthorized");
            assertThat(answer.json().path("trackingId").asText()).isNotEmpty();
        }
        assertThat(simulator.counters().lastAuthenticationFailure("nobody")).contains("no individual enrollment");
    }

    @Test
    void badSignatureIsAnswered401() {
        try (TestDevice device = connected("dev-1", OTHER_KEY)) {
            device.register("1", "dev-1");
            assertThat(device.response().status()).isEqualTo(401);
        }
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("signature");
    }

    /** Connects dev-1 with the given password, registers and returns the answer's status. */
    int registerStatusWith(String apiVersion, String password) {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("dev-1", "0ne000SEM01/registrations/dev-1/api-version=" + apiVersion, password);
            device.subscribeToResponses();
            device.register("1", "dev-1");
            return device.response().status();
        }
    }

    @Test
    void expiredTokenIsAnswered401() {
        // A device without a real-time clock computes its expiry from 1970.
        assertThat(registerStatusWith("2019-03-31", TestDevice.sas(simulator.idScope(), "dev-1", KEY, 3600)))
                .isEqualTo(401);
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("expired");
    }

    @Test
    void keyNameOtherThanRegistrationIsAnswered401() {
        String token = TestDevice.sas(simulator.idScope(), "dev-1", KEY, clock.instant().getEpochSecond() + 60)
                .replace("skn=registration", "skn=iothubowner");
        assertThat(registerStatusWith("2019-03-31", token)).isEqualTo(401);
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("skn");
    }

    @Test
    void tokenForAnotherResourceIsAnswered401() {
        String token = TestDevice.sasWithResource("0ne000SEM01%2Fregistrations%2Fdev-2", KEY,
                clock.instant().getEpochSecond() + 60);
        assertThat(registerStatusWith("2019-03-31", token)).isEqualTo(401);
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("sr");
    }

    @Test
    void passwordThatIsNoSasTokenIsAnswered401() {
        assertThat(registerStatusWith("2019-03-31", "hunter2")).isEqualTo(401);
        assertThat(simulator.counters().lastAuthenticationFailure("dev-1")).contains("not a SharedAccessSignature")
                .doesNotContain("hunter2");
    }

    @Test
    void onlyTheResponseTopicMayBeSubscribedAndQos2IsGrantedAsQos1() {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            assertThat(device.subscribe(MqttQoS.EXACTLY_ONCE, "$dps/registrations/res/#", "#",
                    "$dps/registrations/res/200/#", "devices/dev-1/messages/devicebound/#"))
                    .containsExactly(1, 0x80, 0x80, 0x80);
            device.register("1", "dev-1");
            assertThat(device.response().qos()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        }
    }

    @Test
    void qos0SubscriptionGetsQos0Answers() {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            assertThat(device.subscribe(MqttQoS.AT_MOST_ONCE, TestDevice.RESPONSES)).containsExactly(0);
            device.register("1", "dev-1");
            assertThat(device.response().qos()).isEqualTo(MqttQoS.AT_MOST_ONCE);
        }
    }

    @Test
    void cleanSessionFalseIsAcceptedButNoSessionIsKept() {
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect("dev-1", TestDevice.username(simulator.idScope(), "dev-1"),
                    TestDevice.sas(simulator.idScope(), "dev-1", KEY, clock.instant().getEpochSecond() + 60), false,
                    MqttVersion.MQTT_3_1_1)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        }
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("dev-1", TestDevice.username(simulator.idScope(), "dev-1"),
                    TestDevice.sas(simulator.idScope(), "dev-1", KEY, clock.instant().getEpochSecond() + 60), false,
                    MqttVersion.MQTT_3_1_1);
            // no subscription was kept from the first connection: the answer is lost, nothing arrives
            device.register("1", "dev-1");
            assertThat(device.responseOrNull(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void registerAnswers202WithRetryAfterAndOperationThenPollAnswers200WithFullState() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            TestDevice.Response accepted = device.response();
            assertThat(accepted.topic()).isEqualTo("$dps/registrations/res/202/?$rid=1&retry-after=3");
            String operationId = accepted.json().path("operationId").asText();

            device.poll("2", operationId);
            TestDevice.Response done = device.response();
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.parameter("retry-after")).isNull();
            JsonNode state = done.json().path("registrationState");
            assertThat(done.json().path("operationId").asText()).isEqualTo(operationId);
            assertThat(state.path("registrationId").asText()).isEqualTo("dev-1");
            assertThat(state.path("deviceId").asText()).isEqualTo("dev-1");
            assertThat(state.path("status").asText()).isEqualTo("assigned");
            assertThat(state.path("createdDateTimeUtc").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z");
            assertThat(state.path("etag").asText()).isNotEmpty();
            assertThat(state.has("symmetricKey")).isTrue();
        }
    }

    @Test
    void assignmentWaitsForTheConfiguredNumberOfPolls() {
        simulator(DpsSimulator.builder().pollsBeforeAssignment(3));
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            String operationId = device.response().json().path("operationId").asText();
            for (int poll = 1; poll <= 2; poll++) {
                device.poll("p" + poll, operationId);
                TestDevice.Response answer = device.response();
                assertThat(answer.status()).isEqualTo(202);
                assertThat(answer.json().path("registrationState").path("status").asText()).isEqualTo("assigning");
            }
            device.poll("p3", operationId);
            assertThat(device.response().status()).isEqualTo(200);
        }
        assertThat(simulator.counters().count("dev-1", Counters.EventKind.POLL)).isEqualTo(3);
    }

    @Test
    void assignmentWaitsForTheConfiguredDelayOnTheSimulatorsClock() {
        simulator(DpsSimulator.builder().assignmentDelay(Duration.ofSeconds(10)));
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            String operationId = device.response().json().path("operationId").asText();
            device.poll("2", operationId);
            assertThat(device.response().status()).isEqualTo(202);
            clock.advance(Duration.ofSeconds(10));
            device.poll("3", operationId);
            assertThat(device.response().status()).isEqualTo(200);
        }
    }

    @Test
    void zeroPollsAnswersTheRegisterWithTheResult() {
        simulator(DpsSimulator.builder().pollsBeforeAssignment(0));
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("status").asText()).isEqualTo("assigned");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "42", "abc", "a%2Fb", "x%2By", "0f8fad5b-d9cb-469f-a165-70867728950e"})
    void requestIdIsEchoedExactly(String requestId) {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register(requestId, "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.parameter("$rid")).isEqualTo(requestId);
            device.poll(requestId, answer.json().path("operationId").asText());
            assertThat(device.response().parameter("$rid")).isEqualTo(requestId);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{}", "not json at all"})
    void pollBodyMayBeAnything(String body) {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            String operationId = device.response().json().path("operationId").asText();
            device.publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + operationId,
                    body);
            assertThat(device.response().status()).isEqualTo(200);
        }
    }

    @Test
    void retryAfterMayComeFirstInTheTopicWhenTheDevicePutsParametersInAnyOrder() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            String operationId = device.response().json().path("operationId").asText();
            device.publish("$dps/registrations/GET/iotdps-get-operationstatus/?operationId=" + operationId + "&$rid=9",
                    "");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.parameter("$rid")).isEqualTo("9");
        }
    }

    @Test
    void pollForAnUnknownOperationIsAnswered404() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.poll("1", "4.0000000000000000.00000000-0000-0000-0000-000000000000");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.json().path("errorCode").asInt()).isEqualTo(404001);
        }
    }

    @Test
    void bodyNamingAnotherRegistrationIsAnswered400() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-2");
            assertThat(device.response().status()).isEqualTo(400);
            device.publish("$dps/registrations/PUT/iotdps-register/?$rid=2", "{not json");
            assertThat(device.response().status()).isEqualTo(400);
        }
    }

    @Test
    void unknownApiVersionIsAnswered400() {
        assertThat(registerStatusWith("2017-01-01",
                TestDevice.sas(simulator.idScope(), "dev-1", KEY, clock.instant().getEpochSecond() + 60)))
                .isEqualTo(400);
    }

    @Test
    void publishingToATopicDpsDoesNotHaveClosesTheConnection() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.publish("devices/dev-1/messages/events/", "{}");
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void unsubscribeIsAcknowledgedAndStopsTheAnswers() {
        try (TestDevice device = connected("dev-1", KEY)) {
            assertThat(device.unsubscribe(TestDevice.RESPONSES)).isTrue();
            device.register("1", "dev-1");
            assertThat(device.responseOrNull(Duration.ofMillis(300))).isNull();
            assertThat(device.isOpen()).isTrue();
        }
    }

    @Test
    void silentClientIsDisconnectedAfterOneAndAHalfKeepAlivePeriods() {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("dev-1", TestDevice.username(simulator.idScope(), "dev-1"),
                    TestDevice.sas(simulator.idScope(), "dev-1", KEY, clock.instant().getEpochSecond() + 60), true,
                    MqttVersion.MQTT_3_1_1, 1);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void pingIsAnswered() {
        try (TestDevice device = connected("dev-1", KEY)) {
            assertThat(device.ping()).isTrue();
        }
    }

    @Test
    void countersKeepTheLatestEventsOfADevice() {
        try (TestDevice device = connected("dev-1", KEY)) {
            device.register("1", "dev-1");
            String operationId = device.response().json().path("operationId").asText();
            for (int i = 0; i < Counters.EVENTS_KEPT; i++) {
                device.poll("p" + i, operationId);
                device.response();
            }
        }
        var events = simulator.counters().events("dev-1");
        assertThat(events).hasSize(Counters.EVENTS_KEPT);
        assertThat(events.get(events.size() - 1).requestId()).isEqualTo("p" + (Counters.EVENTS_KEPT - 1));
        assertThat(simulator.counters().polls()).isEqualTo(Counters.EVENTS_KEPT);
    }

    @Test
    void countersSeeConnectionsRequestsAndAnswers() {
        simulator.counters().reset();
        try (TestDevice device = connected("dev-1", KEY)) {
            device.provision("dev-1");
        }
        Counters counters = simulator.counters();
        assertThat(counters.connections()).isEqualTo(1);
        assertThat(counters.connects()).isEqualTo(1);
        assertThat(counters.subscribes()).isEqualTo(1);
        assertThat(counters.registers()).isEqualTo(1);
        assertThat(counters.polls()).isEqualTo(1);
        assertThat(counters.answers(202)).isEqualTo(1);
        assertThat(counters.answers(200)).isEqualTo(1);
        assertThat(counters.events("dev-1")).extracting(Counters.Event::kind).containsExactly(
                Counters.EventKind.CONNECT, Counters.EventKind.SUBSCRIBE, Counters.EventKind.REGISTER,
                Counters.EventKind.ANSWER, Counters.EventKind.POLL, Counters.EventKind.ANSWER);
        assertThat(counters.events("dev-1").get(3).retryAfterSeconds()).isEqualTo(3);
        counters.reset();
        assertThat(counters.registers()).isZero();
        assertThat(counters.answersByStatus()).isEmpty();
        assertThat(counters.events("dev-1")).isEmpty();
    }
}
