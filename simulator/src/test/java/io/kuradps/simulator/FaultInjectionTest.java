package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kuradps.simulator.Faults.Trigger;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every fault the simulator can inject, observed by a raw MQTT client. */
class FaultInjectionTest {

    static final String KEY = RegistrationTest.KEY;
    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).clock(CLOCK).idScope("0ne000FAULT")
                .enrollments(Enrollments.of(Enrollment.individual("dev-1", Attestation.symmetricKey(KEY)),
                        Enrollment.individual("dev-2", Attestation.symmetricKey(KEY))))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void clearFaults() {
        simulator.faults().clear();
    }

    TestDevice connected(String registrationId) {
        TestDevice device = TestDevice.open(simulator);
        assertThat(device.connect(registrationId, TestDevice.username(simulator.idScope(), registrationId),
                TestDevice.sas(simulator.idScope(), registrationId, KEY, CLOCK.instant().getEpochSecond() + 600)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        device.subscribeToResponses();
        return device;
    }

    String registerAndGetOperation(TestDevice device) {
        device.register("1", "dev-1");
        TestDevice.Response accepted = device.response();
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().path("operationId").asText();
    }

    @Test
    void throttledWithRetryAfter() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.throttled(7));
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo("$dps/registrations/res/429/?$rid=1&retry-after=7");
            assertThat(answer.json().path("errorCode").asInt()).isEqualTo(429001);
            device.register("2", "dev-1");
            assertThat(device.response().status()).as("only once").isEqualTo(202);
        }
    }

    @Test
    void throttledWithoutRetryAfter() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.throttled(null));
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo("$dps/registrations/res/429/?$rid=1");
        }
    }

    @Test
    void serverErrors500And503() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.serverError(500));
        simulator.faults().on(Trigger.POLL).times(1).inject(Fault.serverError(503));
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            TestDevice.Response first = device.response();
            assertThat(first.status()).isEqualTo(500);
            assertThat(first.json().path("errorCode").asInt()).isEqualTo(500000);
            String operationId = registerAndGetOperation(device);
            device.poll("3", operationId);
            assertThat(device.response().status()).isEqualTo(503);
            device.poll("4", operationId);
            assertThat(device.response().status()).isEqualTo(200);
        }
    }

    @Test
    void failedRegistrationWithErrorCodeAfterThePolls() {
        simulator.faults().on(Trigger.REGISTER).forRegistration("dev-1").times(1)
                .inject(Fault.failed(400207, "Custom allocation failed with status code: 400"));
        try (TestDevice device = connected("dev-1")) {
            String operationId = registerAndGetOperation(device);
            device.poll("2", operationId);
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("status").asText()).isEqualTo("failed");
            assertThat(answer.json().path("registrationState").path("errorCode").asInt()).isEqualTo(400207);
            assertThat(answer.json().path("registrationState").path("errorMessage").asText())
                    .startsWith("Custom allocation failed");
        }
    }

    @Test
    void failedOnPollAnswersAtOnce() {
        simulator.faults().on(Trigger.POLL).times(1).inject(Fault.failed(400208, "No hub."));
        try (TestDevice device = connected("dev-1")) {
            String operationId = registerAndGetOperation(device);
            device.poll("2", operationId);
            assertThat(device.response().json().path("registrationState").path("errorCode").asInt()).isEqualTo(400208);
        }
    }

    @Test
    void disabledResult() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.disabled());
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("status").asText()).isEqualTo("disabled");
            assertThat(answer.json().path("registrationState").path("status").asText()).isEqualTo("disabled");
        }
    }

    @Test
    void dropAtConnectClosesWithoutConnack() {
        simulator.faults().on(Trigger.CONNECT).times(1).inject(Fault.drop());
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect(simulator, "dev-1", KEY)).isNull();
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void dropAfterConnackClosesAfterAnswering() {
        simulator.faults().on(Trigger.CONNECT).times(1).inject(Fault.dropAfterAnswer());
        try (TestDevice device = TestDevice.open(simulator)) {
            assertThat(device.connect(simulator, "dev-1", KEY)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void dropAtSubscribe() {
        simulator.faults().on(Trigger.SUBSCRIBE).times(1).inject(Fault.drop());
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            assertThat(device.subscribe(MqttQoS.AT_LEAST_ONCE, TestDevice.RESPONSES)).isNull();
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void dropAfterSuback() {
        simulator.faults().on(Trigger.SUBSCRIBE).times(1).inject(Fault.dropAfterAnswer());
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            assertThat(device.subscribe(MqttQoS.AT_LEAST_ONCE, TestDevice.RESPONSES)).containsExactly(1);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void dropAtRegisterPublish() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.drop());
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            assertThat(device.awaitClosed()).isTrue();
        }
        assertThat(simulator.counters().count("dev-1", Counters.EventKind.REGISTER)).isPositive();
    }

    @Test
    void dropMidPoll() {
        simulator.faults().on(Trigger.POLL).times(1).inject(Fault.drop());
        try (TestDevice device = connected("dev-1")) {
            String operationId = registerAndGetOperation(device);
            device.poll("2", operationId);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void dropAfterAnsweringAPoll() {
        simulator.faults().on(Trigger.POLL).times(1).inject(Fault.dropAfterAnswer());
        try (TestDevice device = connected("dev-1")) {
            String operationId = registerAndGetOperation(device);
            device.poll("2", operationId);
            assertThat(device.response().status()).isEqualTo(200);
            assertThat(device.awaitClosed()).isTrue();
        }
    }

    @Test
    void silenceKeepsTheConnectionButNeverAnswers() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.silence());
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            assertThat(device.responseOrNull(Duration.ofMillis(300))).isNull();
            assertThat(device.isOpen()).isTrue();
            device.register("2", "dev-1");
            assertThat(device.response().parameter("$rid")).isEqualTo("2");
        }
    }

    @Test
    void silenceAtConnect() {
        simulator.faults().on(Trigger.CONNECT).times(1).inject(Fault.silence());
        try (TestDevice device = TestDevice.open(simulator)) {
            device.sendConnect(simulator, "dev-1", KEY);
            assertThat(device.packetOrNull(Duration.ofMillis(300))).isNull();
            assertThat(device.isOpen()).isTrue();
        }
    }

    @Test
    void delayedAnswerComesLate() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.delay(Duration.ofMillis(700)));
        try (TestDevice device = connected("dev-1")) {
            long start = System.nanoTime();
            device.register("1", "dev-1");
            assertThat(device.response().status()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        }
    }

    @Test
    void delayedSuback() {
        simulator.faults().on(Trigger.SUBSCRIBE).times(1).inject(Fault.delay(Duration.ofMillis(500)));
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(simulator, "dev-1", KEY);
            long start = System.nanoTime();
            assertThat(device.subscribe(MqttQoS.AT_LEAST_ONCE, TestDevice.RESPONSES)).containsExactly(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void latencyDelaysEveryPacketOfOneDevice() {
        simulator.faults().latency("dev-1", Duration.ofMillis(200));
        long slow;
        try (TestDevice device = TestDevice.open(simulator)) {
            long start = System.nanoTime();
            device.connect(simulator, "dev-1", KEY);
            device.subscribeToResponses();
            device.register("1", "dev-1");
            device.response();
            slow = System.nanoTime() - start;
        }
        assertThat(Duration.ofNanos(slow)).as("CONNACK, SUBACK, PUBACK and answer each 200 ms late")
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        try (TestDevice other = connected("dev-2")) {
            other.register("1", "dev-2");
            assertThat(other.response().status()).isEqualTo(202);
        }
    }

    @Test
    void malformedJson() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.malformedJson());
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.status()).isEqualTo(202);
            assertThatThrownBy(() -> TestDevice.JSON.readTree(answer.body()))
                    .isInstanceOf(JsonProcessingException.class);
        }
    }

    @Test
    void wrongRequestId() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.wrongRequestId());
        try (TestDevice device = connected("dev-1")) {
            device.register("5", "dev-1");
            assertThat(device.response().parameter("$rid")).isNotEqualTo("5").isEqualTo("1005");
            device.register("abc", "dev-1");
            assertThat(device.response().parameter("$rid")).isEqualTo("abc");
        }
    }

    @Test
    void retryAfterFirstInTheTopic() {
        simulator.faults().on(Trigger.REGISTER).times(1).inject(Fault.retryAfterFirst());
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            assertThat(device.response().topic()).isEqualTo("$dps/registrations/res/202/?retry-after=1&$rid=1");
        }
    }

    @Test
    void oversizeBody() {
        simulator.faults().on(Trigger.POLL).times(1).inject(Fault.oversize(200_000));
        try (TestDevice device = connected("dev-1")) {
            String operationId = registerAndGetOperation(device);
            device.poll("2", operationId);
            TestDevice.Response answer = device.response();
            assertThat(answer.body().length()).isGreaterThanOrEqualTo(200_000);
            assertThat(answer.json().path("status").asText()).isEqualTo("assigned");
        }
    }

    @Test
    void faultForOneRegistrationLeavesOthersAlone() {
        Faults.Rule rule = simulator.faults().on(Trigger.REGISTER).forRegistration("dev-2")
                .inject(Fault.serverError(503));
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            assertThat(device.response().status()).isEqualTo(202);
        }
        try (TestDevice device = connected("dev-2")) {
            device.register("1", "dev-2");
            assertThat(device.response().status()).isEqualTo(503);
            device.register("2", "dev-2");
            assertThat(device.response().status()).as("no times() means always").isEqualTo(503);
            rule.remove();
            device.register("3", "dev-2");
            assertThat(device.response().status()).isEqualTo(202);
        }
        assertThat(rule.hits()).isEqualTo(2);
    }

    @Test
    void registrationRulesWinOverGlobalOnes() {
        simulator.faults().on(Trigger.REGISTER).inject(Fault.serverError(500));
        simulator.faults().on(Trigger.REGISTER).forRegistration("dev-1").times(1).inject(Fault.throttled(2));
        try (TestDevice device = connected("dev-1")) {
            device.register("1", "dev-1");
            assertThat(device.response().status()).isEqualTo(429);
            device.register("2", "dev-1");
            assertThat(device.response().status()).isEqualTo(500);
        }
    }

    @Test
    void timesMustBePositive() {
        assertThatThrownBy(() -> simulator.faults().on(Trigger.POLL).times(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times");
    }
}
