package io.kuradps.provisioning.protocol;

import static io.kuradps.provisioning.protocol.FlowDriver.OPERATION_ID;
import static io.kuradps.provisioning.protocol.FlowDriver.START;
import static io.kuradps.provisioning.protocol.FlowDriver.assigned;
import static io.kuradps.provisioning.protocol.FlowDriver.assigning;
import static io.kuradps.provisioning.protocol.FlowDriver.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationFlowTest {

    private static final String ERROR_401 = "{\"errorCode\":401002,\"trackingId\":\"t-1\",\"message\":\"Invalid certificate.\"}";

    @Test
    void immediateAssignmentConnectsSubscribesRegistersAndSucceeds() throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings());

        List<FlowAction> started = driver.record(driver.flow.start());
        FlowAction.Connect connect = only(started, FlowAction.Connect.class);
        assertThat(connect.request().clientId()).isEqualTo("gw-01");
        assertThat(connect.request().username()).isEqualTo("0ne00000A0A/registrations/gw-01/api-version=2019-03-31");
        assertThat(new String(connect.request().password())).startsWith("SharedAccessSignature sr=0ne00000A0A%2Fregistrations%2Fgw-01&sig=")
                .endsWith("&se=" + START.plus(Duration.ofHours(1)).getEpochSecond() + "&skn=registration");
        assertThat(only(started, FlowAction.ScheduleTimer.class).at()).isEqualTo(START.plusSeconds(10));

        List<FlowAction> connected = driver.record(driver.flow.onConnected());
        assertThat(only(connected, FlowAction.Subscribe.class).filter()).isEqualTo("$dps/registrations/res/#");
        assertThat(connected).hasSize(2);

        List<FlowAction> subscribed = driver.record(driver.flow.onSubscribed(new int[] {1}));
        FlowAction.Publish register = only(subscribed, FlowAction.Publish.class);
        assertThat(register.topic()).startsWith("$dps/registrations/PUT/iotdps-register/?$rid=");
        assertThat(new String(register.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"gw-01\"}");

        List<FlowAction> done = driver.respond(200, "", assigned());
        assertThat(done).hasSize(2);
        assertThat(done.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        FlowAction.Succeed succeed = (FlowAction.Succeed) done.get(1);
        assertThat(succeed.registration().assignedHub()).contains("hub.azure-devices.net");
        assertThat(succeed.registration().deviceId()).contains("gw-01");
        assertThat(succeed.registration().payloadJson()).contains("{\"site\":7}");
        assertThat(driver.flow.isDone()).isTrue();
        assertNothingAfterTheEnd(driver);
    }

    @Test
    void pollsAfterExactlyRetryAfterUntilAssigned() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        Set<String> rids = new HashSet<>();
        rids.add(driver.lastRid());
        for (int poll = 0; poll < 4; poll++) {
            int retryAfter = 2 + poll;
            Instant answeredAt = driver.clock.instant();
            List<FlowAction> wait = driver.respond(202, "&retry-after=" + retryAfter, assigning());
            assertThat(wait).containsExactly(driver.timer);
            assertThat(driver.timer.at()).isEqualTo(answeredAt.plusSeconds(retryAfter));
            List<FlowAction> polled = driver.fireTimer();
            FlowAction.Publish publish = only(polled, FlowAction.Publish.class);
            assertThat(publish.topic()).startsWith("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=")
                    .endsWith("&operationId=" + OPERATION_ID);
            assertThat(publish.payload()).isEmpty();
            assertThat(only(polled, FlowAction.ScheduleTimer.class).at()).isEqualTo(driver.clock.instant().plusSeconds(10));
            assertThat(rids.add(driver.lastRid())).as("unique $rid").isTrue();
            driver.clock.advance(Duration.ofMillis(300));
        }
        assertThat(only(driver.respond(200, "", assigned()), FlowAction.Succeed.class).registration().deviceId())
                .contains("gw-01");
        assertThat(driver.history).noneMatch(a -> a instanceof FlowAction.Retrying);
    }

    @Test
    void neverPollsBeforeRetryAfterWhateverElseArrives() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        long responseTimerId = driver.timer.timerId();
        String registerRid = driver.lastRid();
        driver.respond(202, "&retry-after=30", assigning());
        FlowAction.ScheduleTimer pollTimer = driver.timer;

        driver.clock.advance(Duration.ofSeconds(10));
        assertThat(driver.flow.onTimerFired(responseTimerId)).as("stale response timer").isEmpty();
        assertThat(driver.flow.onMessage("$dps/registrations/res/202/?$rid=" + registerRid + "&retry-after=1",
                assigning().getBytes(StandardCharsets.UTF_8))).as("duplicate answer").isEmpty();
        assertThat(driver.flow.onConnected()).isEmpty();
        assertThat(driver.flow.onSubscribed(new int[] {1})).isEmpty();
        assertThat(driver.flow.onConnectFailed(ConnectFailure.NETWORK, "x")).isEmpty();
        assertThat(driver.history).filteredOn(a -> a instanceof FlowAction.Publish).hasSize(1);

        driver.clock.set(pollTimer.at());
        assertThat(only(driver.flow.onTimerFired(pollTimer.timerId()), FlowAction.Publish.class).topic())
                .contains("operationId=");
        assertThat(driver.flow.onTimerFired(pollTimer.timerId())).as("fired twice").isEmpty();
    }

    @Test
    void missingRetryAfterPollsWithGrowingJitteredBackoff() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        for (int n = 1; n <= 6; n++) {
            Instant answeredAt = driver.clock.instant();
            driver.respond(202, "", assigning());
            Duration wait = Duration.between(answeredAt, driver.timer.at());
            assertThat(wait).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1L << (n - 1)));
            only(driver.fireTimer(), FlowAction.Publish.class);
        }
    }

    @Test
    void throttledRegisterWaitsAtLeastRetryAfterThenRegistersAgainOnTheSameConnection() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        String firstRid = driver.lastRid();
        List<FlowAction> throttled = driver.respond(429, "&retry-after=45",
                "{\"errorCode\":429001,\"trackingId\":\"t\",\"message\":\"Too many requests\"}");
        assertThat(throttled).noneMatch(a -> a instanceof FlowAction.Disconnect);
        FlowAction.Retrying retrying = only(throttled, FlowAction.Retrying.class);
        assertThat(retrying.attempt()).isEqualTo(1);
        assertThat(retrying.retryAt()).as("retry-after plus 5 to 10 s")
                .isBetween(START.plusSeconds(50), START.plusSeconds(55)).isEqualTo(driver.timer.at());
        assertThat(retrying.cause().kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(retrying.cause().code()).isEqualTo(429001);
        assertThat(retrying.cause().retryable()).isTrue();
        assertThat(retrying.cause().trackingId()).contains("t");

        FlowAction.Publish again = only(driver.fireTimer(), FlowAction.Publish.class);
        assertThat(again.topic()).startsWith("$dps/registrations/PUT/iotdps-register/");
        assertThat(driver.lastRid()).isNotEqualTo(firstRid);
    }

    @Test
    void throttledWithoutRetryAfterBacksOffWithinTheCap() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        for (int attempt = 1; attempt <= 5; attempt++) {
            Instant answeredAt = driver.clock.instant();
            FlowAction.Retrying retrying = only(driver.respond(429, "", "not json"), FlowAction.Retrying.class);
            assertThat(retrying.attempt()).isEqualTo(attempt);
            assertThat(retrying.cause().message()).contains("without a readable error body");
            assertThat(Duration.between(answeredAt, retrying.retryAt()))
                    .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1L << (attempt - 1)));
            only(driver.fireTimer(), FlowAction.Publish.class);
        }
    }

    @Test
    void attemptCountsTheSameWayOnRetryingAndOnFail() throws Exception {
        // Three 429s on one connection, then a refusal: attempts 1, 2 and 3 failed and were retried, the 4th ended it.
        FlowDriver driver = FlowDriver.registered();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(only(driver.respond(429, "&retry-after=1", "{}"), FlowAction.Retrying.class).attempt())
                    .isEqualTo(attempt);
            only(driver.fireTimer(), FlowAction.Publish.class);
        }
        FlowAction.Fail fail = only(driver.respond(401, "", ERROR_401), FlowAction.Fail.class);
        assertThat(fail.attempt()).isEqualTo(4);
        assertThat(fail.toString()).contains("attempt 4");

        FlowDriver first = FlowDriver.registered();
        assertThat(only(first.respond(401, "", ERROR_401), FlowAction.Fail.class).attempt()).isEqualTo(1);
    }

    @Test
    void serverErrorOnAPollKeepsTheOperation() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        driver.respond(202, "&retry-after=2", assigning());
        driver.fireTimer();
        FlowAction.Retrying retrying = only(driver.respond(503, "&retry-after=7",
                "{\"errorCode\":503000,\"message\":\"Service unavailable\"}"), FlowAction.Retrying.class);
        assertThat(retrying.cause().kind()).isEqualTo(FailureKind.SERVER_ERROR);
        assertThat(retrying.retryAt()).isBetween(driver.clock.instant().plusSeconds(12),
                driver.clock.instant().plusSeconds(17));
        FlowAction.Publish poll = only(driver.fireTimer(), FlowAction.Publish.class);
        assertThat(poll.topic()).contains("iotdps-get-operationstatus").endsWith("operationId=" + OPERATION_ID);
        assertThat(driver.history).noneMatch(a -> a instanceof FlowAction.Disconnect);
    }

    @Test
    void throttledWaitIsRetryAfterPlusHalfToAllOfAWindowThatWidensWithTheTimeThrottled() throws Exception {
        Duration retryAfter = Duration.ofSeconds(3);
        Duration backoffMax = FlowDriver.settings().backoffMax();
        for (long seed = 0; seed < 50; seed++) {
            FlowDriver driver = registeredWithSeed(seed);
            Instant firstThrottle = driver.clock.instant();
            Duration longest = Duration.ZERO;
            for (int n = 1; n <= 30; n++) {
                Instant answeredAt = driver.clock.instant();
                // 5xx counts as throttling too: the run alternates them.
                int status = n % 2 == 0 ? 503 : 429;
                FlowAction.Retrying retrying = only(driver.respond(status, "&retry-after=3", "{}"),
                        FlowAction.Retrying.class);
                Duration wait = Duration.between(answeredAt, retrying.retryAt());
                Duration throttledFor = Duration.between(firstThrottle, answeredAt);
                Duration window = min(backoffMax, max(Duration.ofSeconds(10), throttledFor.dividedBy(3)));
                assertThat(wait).as("answer %d, throttled for %s", n, throttledFor)
                        .isBetween(retryAfter.plus(window.dividedBy(2)), retryAfter.plus(window));
                longest = max(longest, wait);
                assertThat(only(driver.fireTimer(), FlowAction.Publish.class).topic()).contains("iotdps-register");
            }
            assertThat(longest).as("the window reached the backoff maximum").isGreaterThan(backoffMax.dividedBy(2)
                    .plus(retryAfter));
        }
    }

    @Test
    void throttledJitterDiffersBetweenSeedsSoAFleetSpreadsOut() throws Exception {
        Set<Duration> firstWaits = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            FlowDriver driver = registeredWithSeed(seed);
            Instant answeredAt = driver.clock.instant();
            driver.respond(429, "&retry-after=1", "{\"errorCode\":429001}");
            firstWaits.add(Duration.between(answeredAt, driver.timer.at()));
        }
        assertThat(firstWaits).hasSizeGreaterThan(90)
                .allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(11)));
    }

    @Test
    void aGoodAnswerResetsTheTimeThrottledAndPollsStayExactlyAtRetryAfter() throws Exception {
        for (long seed = 0; seed < 50; seed++) {
            FlowDriver driver = registeredWithSeed(seed);
            for (int n = 1; n <= 12; n++) {
                driver.respond(429, "&retry-after=1", "{}");
                driver.fireTimer();
            }
            assertThat(driver.flow.throttledSince()).contains(START);
            Instant answeredAt = driver.clock.instant();
            driver.respond(202, "&retry-after=3", assigning());
            assertThat(driver.flow.throttledSince()).isEmpty();
            assertThat(driver.timer.at()).as("202 poll interval").isEqualTo(answeredAt.plusSeconds(3));
            driver.fireTimer();

            answeredAt = driver.clock.instant();
            FlowAction.Retrying retrying = only(driver.respond(429, "&retry-after=1", "{}"),
                    FlowAction.Retrying.class);
            assertThat(retrying.retryAt()).as("first throttle after a good answer")
                    .isBetween(answeredAt.plusSeconds(6), answeredAt.plusSeconds(11));
            FlowAction.Publish poll = only(driver.fireTimer(), FlowAction.Publish.class);
            assertThat(poll.topic()).as("a throttled poll polls again").contains("iotdps-get-operationstatus");
        }
    }

    @Test
    void aFreshRunKeepsTheTimeThrottledItIsGivenAndReportsItWhenItEnds() throws Exception {
        RegistrationSettings settings = FlowDriver.timing(10, 60);
        FlowDriver first = FlowDriver.registered(settings);
        assertThat(first.flow.throttledSince()).isEmpty();
        first.respond(429, "&retry-after=1", "{}");
        while (!first.flow.isDone()) {
            first.fireTimer();
            first.respond(429, "&retry-after=1", "{}");
        }
        assertThat(only(first.history, FlowAction.Fail.class).failure().kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(first.flow.throttledSince()).as("the run ended throttled").contains(START);

        Instant later = START.plusSeconds(300);
        FlowDriver fresh = new FlowDriver(FlowDriver.timing(10, 600), later, 7L, first.flow.throttledSince().get());
        fresh.connectAndRegister();
        FlowAction.Retrying retrying = only(fresh.respond(429, "&retry-after=1", "{}"), FlowAction.Retrying.class);
        assertThat(retrying.retryAt()).as("a third of 300 s throttled: 50 to 100 s after retry-after")
                .isBetween(later.plusSeconds(51), later.plusSeconds(101));
        assertThat(fresh.flow.throttledSince()).contains(START);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Test
    void aLostConnectionDoesNotCutTheWaitDpsAskedFor() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        driver.respond(429, "&retry-after=60", "{}");
        driver.clock.advance(Duration.ofSeconds(5));
        FlowAction.Retrying retrying = only(driver.record(driver.flow.onConnectionLost("reset")),
                FlowAction.Retrying.class);
        assertThat(retrying.cause().kind()).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(retrying.retryAt()).isEqualTo(START.plusSeconds(60)).isEqualTo(driver.timer.at());
    }

    private static FlowDriver registeredWithSeed(long seed) throws DpsProtocolException {
        FlowDriver driver = new FlowDriver(RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofHours(1)).build(), START, seed);
        driver.connectAndRegister();
        return driver;
    }

    @Test
    void serverErrorOnRegisterRegistersAgain() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        only(driver.respond(500, "", "{\"errorCode\":500000}"), FlowAction.Retrying.class);
        assertThat(only(driver.fireTimer(), FlowAction.Publish.class).topic()).contains("iotdps-register");
    }

    @Test
    void failedAllocationFailsPermanentlyWithDpsCodeAndMessage() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        List<FlowAction> done = driver.respond(200, "", Vectors.text("payloads/csdk_failed_400207_custom_allocation.json"));
        assertThat(done.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        Failure failure = only(done, FlowAction.Fail.class).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.FAILED);
        assertThat(failure.code()).isEqualTo(400207);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.message()).isEqualTo("Custom allocation failed with status code: 400");
        assertThat(failure.explanation()).contains("custom allocation function");
        assertNothingAfterTheEnd(driver);
    }

    @Test
    void disabledFailsPermanently() throws Exception {
        Failure failure = FlowDriver.failureOnRegister(200, Vectors.text("payloads/csdk_disabled.json"));
        assertThat(failure.kind()).isEqualTo(FailureKind.DISABLED);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.explanation()).contains("disabled", "gw-01");
    }

    @Test
    void unauthorizedFailsPermanentlyAndNamesWhatToCheck() throws Exception {
        // The device clock as it was when DPS wrote this real answer: the clock is not the cause.
        FlowDriver driver = new FlowDriver(FlowDriver.settings(), Instant.parse("2019-11-19T21:39:04Z"), 7L);
        driver.connectAndRegister();
        String realAnswer = Vectors.text("payloads/real_dps_error_401000_unauthorized.json");
        Failure failure = only(driver.respond(401, "", realAnswer), FlowAction.Fail.class).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
        assertThat(failure.code()).isEqualTo(401000);
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.message()).isEqualTo("Unauthorized");
        assertThat(failure.trackingId()).contains("2cb8f317-10f5-44f4-a5a6-380a998146e9");
        assertThat(failure.explanation()).contains("symmetric key", "id scope 0ne00000A0A", "registration id gw-01",
                "enrollment", "Nothing changes until").doesNotContain("clock")
                .doesNotContain(RegistrationSettingsTest.DEVICE_KEY);
        assertThat(failure.toString()).contains("UNAUTHORIZED", "401000");
    }

    @Test
    void unauthorizedWithAnUnsetClockShowsTheSasExpiryNextToTheClock() throws Exception {
        Instant bootClock = Instant.parse("1970-01-01T00:00:42Z");
        FlowDriver driver = new FlowDriver(FlowDriver.settings(), bootClock, 7L);
        driver.connectAndRegister();
        Failure failure = only(driver.respond(401, "", ERROR_401), FlowAction.Fail.class).failure();
        assertThat(failure.explanation()).contains("clock reads 1970-01-01T00:00:42Z", "before 2020",
                "SAS token expires at 1970-01-01T01:00:42Z", "NTP")
                .as("a retryable failure must not claim that nothing will change").doesNotContain("Nothing changes");
        assertThat(failure.retryable()).as("works once the clock is set").isTrue();
        assertThat(driver.flow.isDone()).as("but not with this clock").isTrue();

        FlowDriver refused = new FlowDriver(FlowDriver.settings(), bootClock, 7L);
        refused.record(refused.flow.start());
        Failure onConnect = only(refused.flow.onConnectFailed(ConnectFailure.REFUSED_NOT_AUTHORIZED, "not authorized"),
                FlowAction.Fail.class).failure();
        assertThat(onConnect.retryable()).isTrue();
        assertThat(onConnect.explanation()).contains("1970-01-01T01:00:42Z");
    }

    @Test
    void unauthorizedForX509NamesTheCertificateAndTheApiVersionQuirk() throws Exception {
        RegistrationSettings x509 = RegistrationSettingsTest.valid().credentials(Credentials.x509()).build();
        FlowDriver driver = new FlowDriver(x509);
        List<FlowAction> started = driver.record(driver.flow.start());
        assertThat(only(started, FlowAction.Connect.class).request().password()).isNull();
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {1}));
        Failure failure = only(driver.respond(401, "", ERROR_401), FlowAction.Fail.class).failure();
        assertThat(failure.explanation()).contains("certificate", "subject CN", "2021-06-01");
    }

    @Test
    void groupKeyUnauthorizedNamesTheGroupKey() throws Exception {
        RegistrationSettings group = RegistrationSettingsTest.valid()
                .credentials(Credentials.groupKey(RegistrationSettingsTest.DEVICE_KEY)).build();
        FlowDriver driver = FlowDriver.registered(group);
        assertThat(only(driver.respond(403, "", "{}"), FlowAction.Fail.class).failure().explanation())
                .contains("group key");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 405, 409, 412, 415})
    void otherClientErrorsFailPermanently(int status) throws Exception {
        Failure failure = FlowDriver.failureOnRegister(status, "{\"errorCode\":" + status + "001}");
        assertThat(failure.retryable()).isFalse();
        assertThat(failure.kind()).isEqualTo(status == 404 ? FailureKind.NOT_FOUND : FailureKind.BAD_REQUEST);
        assertThat(failure.explanation()).contains("Nothing changes until");
    }

    @Test
    void linkedHubErrorsExplainTheHubLink() throws Exception {
        for (int code : new int[] {400208, 400209}) {
            assertThat(FlowDriver.failureOnRegister(400, "{\"errorCode\":" + code + "}").explanation())
                    .contains("hub");
            assertThat(FlowDriver.failureOnRegister(200, "{\"operationId\":\"o\",\"status\":\"failed\","
                    + "\"registrationState\":{\"errorCode\":" + code + "}}").explanation())
                    .contains(String.valueOf(code));
        }
    }

    @Test
    void responseTimeoutReconnectsAndRegistersAnew() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        String firstRid = driver.lastRid();
        List<FlowAction> timedOut = driver.fireTimer();
        assertThat(timedOut.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        FlowAction.Retrying retrying = only(timedOut, FlowAction.Retrying.class);
        assertThat(retrying.cause().kind()).isEqualTo(FailureKind.RESPONSE_TIMEOUT);
        assertThat(retrying.cause().message()).contains("register request", "10 s");
        assertThat(driver.flow.onMessage("$dps/registrations/res/200/?$rid=" + firstRid,
                assigned().getBytes(StandardCharsets.UTF_8))).as("late answer").isEmpty();
        only(driver.fireTimer(), FlowAction.Connect.class);
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {0}));
        assertThat(driver.lastRid()).isNotEqualTo(firstRid);
        only(driver.respond(200, "", assigned()), FlowAction.Succeed.class);
    }

    @Test
    void timeoutsWhileConnectingSubscribingAndPollingNameWhatWasAwaited() throws Exception {
        FlowDriver connecting = new FlowDriver(FlowDriver.settings());
        connecting.record(connecting.flow.start());
        assertThat(only(connecting.fireTimer(), FlowAction.Retrying.class).cause().message()).contains("CONNACK");
        FlowDriver subscribing = new FlowDriver(FlowDriver.settings());
        subscribing.record(subscribing.flow.start());
        subscribing.record(subscribing.flow.onConnected());
        assertThat(only(subscribing.fireTimer(), FlowAction.Retrying.class).cause().message()).contains("SUBACK");
        FlowDriver polling = new FlowDriver(FlowDriver.settings());
        polling.connectAndRegister();
        polling.respond(202, "&retry-after=1", assigning());
        polling.fireTimer();
        assertThat(only(polling.fireTimer(), FlowAction.Retrying.class).cause().message()).contains("poll");
    }

    @Test
    void connectionLostAtEveryStepReconnectsAndRegistersAnew() throws Exception {
        for (int step = 0; step < 6; step++) {
            FlowDriver driver = new FlowDriver(FlowDriver.settings());
            driver.record(driver.flow.start());
            if (step >= 1) {
                driver.record(driver.flow.onConnected());
            }
            if (step >= 2) {
                driver.record(driver.flow.onSubscribed(new int[] {1}));
            }
            if (step >= 3) {
                driver.respond(202, "&retry-after=3", assigning());
            }
            if (step >= 4) {
                driver.fireTimer();
            }
            if (step >= 5) {
                driver.respond(429, "&retry-after=3", "{\"errorCode\":429001}");
            }
            String ridBefore = driver.lastPublish == null ? null : driver.lastRid();
            List<FlowAction> lost = driver.record(driver.flow.onConnectionLost("connection reset"));
            assertThat(lost).as("step %d", step).hasSize(3);
            assertThat(lost.get(0)).isInstanceOf(FlowAction.Disconnect.class);
            FlowAction.Retrying retrying = only(lost, FlowAction.Retrying.class);
            assertThat(retrying.cause().kind()).isEqualTo(FailureKind.CONNECTION_LOST);
            assertThat(retrying.cause().message()).isEqualTo("connection reset");
            assertThat(driver.flow.onConnectionLost("again")).as("already disconnected").isEmpty();
            only(driver.fireTimer(), FlowAction.Connect.class);
            driver.record(driver.flow.onConnected());
            FlowAction.Publish register = only(driver.record(driver.flow.onSubscribed(new int[] {1})),
                    FlowAction.Publish.class);
            assertThat(register.topic()).as("step %d re-registers", step).contains("iotdps-register");
            assertThat(driver.lastRid()).isNotEqualTo(ridBefore);
            only(driver.respond(200, "", assigned()), FlowAction.Succeed.class);
        }
    }

    @Test
    void connectionLostWithoutCauseStillExplains() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        assertThat(only(driver.record(driver.flow.onConnectionLost(null)), FlowAction.Retrying.class).cause()
                .message()).isEqualTo("connection lost");
    }

    @Test
    void strayRidsGarbageTopicsAndUnreadableBodiesOfOthersAreIgnored() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        byte[] body = assigned().getBytes(StandardCharsets.UTF_8);
        assertThat(driver.flow.onMessage("$dps/registrations/res/200/?$rid=someone-else", body)).isEmpty();
        assertThat(driver.flow.onMessage("$dps/registrations/res/200/?$rid=" + driver.lastRid() + "x", body)).isEmpty();
        assertThat(driver.flow.onMessage("$dps/registrations/res/401/?$rid=stray", new byte[] {1, 2})).isEmpty();
        assertThat(driver.flow.onMessage("not/a/dps/topic", body)).isEmpty();
        assertThat(driver.flow.onMessage(null, null)).isEmpty();
        assertThat(driver.flow.onTimerFired(12345L)).isEmpty();
        assertThat(driver.flow.isDone()).isFalse();
        only(driver.respond(200, "", assigned()), FlowAction.Succeed.class);
    }

    @Test
    void unreadableAnswerToOurRequestRegistersAgain() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        FlowAction.Retrying retrying = only(driver.respond(200, "", "{\"operationId\":\"x\",\"status\":\"assigned\"}"),
                FlowAction.Retrying.class);
        assertThat(retrying.cause().kind()).isEqualTo(FailureKind.PROTOCOL);
        assertThat(retrying.cause().message()).contains("assignedHub");
        assertThat(only(driver.fireTimer(), FlowAction.Publish.class).topic()).contains("iotdps-register");
        FlowAction.Retrying noOperation = only(driver.respond(202, "&retry-after=1",
                "{\"operationId\":\"\",\"status\":\"assigning\"}"), FlowAction.Retrying.class);
        assertThat(noOperation.cause().message()).contains("without an operationId");
        assertThat(noOperation.attempt()).isEqualTo(2);
    }

    @Test
    void overallDeadlineEndsEndlessAssigning() throws Exception {
        FlowDriver driver = FlowDriver.registered(FlowDriver.timing(10, 60));
        List<FlowAction> last = null;
        for (int round = 0; round < 20 && !driver.flow.isDone(); round++) {
            last = driver.respond(202, "&retry-after=25", assigning());
            if (!driver.flow.isDone()) {
                driver.fireTimer();
            }
        }
        Failure failure = only(last, FlowAction.Fail.class).failure();
        assertThat(last.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.message()).contains("60 s");
        assertThat(driver.clock.instant()).isBefore(START.plusSeconds(60));
    }

    @Test
    void responseTimerNeverOutlivesTheDeadlineAndFiringItFails() throws Exception {
        FlowDriver driver = FlowDriver.registered(FlowDriver.timing(30, 40));
        driver.respond(429, "&retry-after=15", "{\"errorCode\":429001,\"trackingId\":\"trk\"}");
        driver.fireTimer();
        assertThat(driver.timer.at()).isEqualTo(START.plusSeconds(40));
        List<FlowAction> end = driver.fireTimer();
        assertThat(end.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        Failure failure = only(end, FlowAction.Fail.class).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(failure.explanation()).contains("THROTTLED");
        assertThat(failure.trackingId()).contains("trk");
        assertNothingAfterTheEnd(driver);
    }

    @Test
    void retryPastTheDeadlineFailsAtOnceInsteadOfWaiting() throws Exception {
        FlowDriver driver = FlowDriver.registered(FlowDriver.timing(10, 60));
        Failure failure = only(driver.respond(429, "&retry-after=120", "{\"errorCode\":429001}"),
                FlowAction.Fail.class).failure();
        assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(failure.explanation()).contains("THROTTLED");
    }

    @Test
    void retryAfterIsClampedToOneSecondAndToTheMaximum() throws Exception {
        RegistrationSettings settings = RegistrationSettingsTest.valid().overallDeadline(Duration.ofHours(1))
                .maxRetryAfter(Duration.ofSeconds(300)).build();
        FlowDriver driver = FlowDriver.registered(settings);
        driver.respond(202, "&retry-after=0", assigning());
        assertThat(driver.timer.at()).isEqualTo(START.plusSeconds(1));
        driver.fireTimer();
        Instant answeredAt = driver.clock.instant();
        driver.respond(202, "&retry-after=86400", assigning());
        assertThat(driver.timer.at()).isEqualTo(answeredAt.plusSeconds(300));
        driver.fireTimer();
        answeredAt = driver.clock.instant();
        assertThat(only(driver.respond(429, "&retry-after=0", "{}"), FlowAction.Retrying.class).retryAt())
                .as("1 s plus 5 to 10 s").isBetween(answeredAt.plusSeconds(6), answeredAt.plusSeconds(11));
    }

    @ParameterizedTest
    @EnumSource(ConnectFailure.class)
    void connectFailuresRetryOnlyWhenWaitingCanHelp(ConnectFailure kind) throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings());
        driver.record(driver.flow.start());
        List<FlowAction> actions = driver.record(driver.flow.onConnectFailed(kind, "detail"));
        boolean retry = kind == ConnectFailure.NETWORK || kind == ConnectFailure.REFUSED_SERVER_UNAVAILABLE
                || kind.name().startsWith("PROXY_");
        assertThat(actions).noneMatch(a -> a instanceof FlowAction.Disconnect);
        if (retry) {
            assertThat(only(actions, FlowAction.Retrying.class).cause().retryable()).isTrue();
            only(driver.fireTimer(), FlowAction.Connect.class);
        } else {
            Failure failure = only(actions, FlowAction.Fail.class).failure();
            // Certificate dates under a clock nothing has confirmed: a later run, with the clock set, may succeed.
            boolean clock = kind == ConnectFailure.TLS_CERTIFICATE_EXPIRED
                    || kind == ConnectFailure.TLS_CERTIFICATE_NOT_YET_VALID;
            assertThat(failure.retryable()).isEqualTo(clock);
            assertThat(failure.clockSuspected()).isEqualTo(clock);
            assertThat(failure.message()).isEqualTo("detail");
            assertThat(failure.kind()).isIn(FailureKind.TLS, FailureKind.UNAUTHORIZED, FailureKind.CONNECT_REFUSED);
        }
    }

    @Test
    void tlsFailureWithAnUnsetClockSaysSo() throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings(), Instant.EPOCH, 3L);
        driver.record(driver.flow.start());
        Failure tls = only(driver.flow.onConnectFailed(ConnectFailure.TLS_HANDSHAKE, null), FlowAction.Fail.class)
                .failure();
        assertThat(tls.explanation()).contains("before 2020");
        assertThat(tls.retryable()).isTrue();
        assertThat(tls.message()).isEqualTo("TLS_HANDSHAKE");
        FlowDriver unknown = new FlowDriver(FlowDriver.settings());
        unknown.record(unknown.flow.start());
        assertThat(only(unknown.flow.onConnectFailed(null, null), FlowAction.Retrying.class).cause().kind())
                .isEqualTo(FailureKind.NETWORK);
    }

    @Test
    void refusedSubscriptionFails() throws Exception {
        for (int[] granted : new int[][] {{0x80}, {}, null, {1, 1}, {3}}) {
            FlowDriver driver = new FlowDriver(FlowDriver.settings());
            driver.record(driver.flow.start());
            driver.record(driver.flow.onConnected());
            List<FlowAction> actions = driver.flow.onSubscribed(granted);
            assertThat(actions.get(0)).isInstanceOf(FlowAction.Disconnect.class);
            Failure failure = only(actions, FlowAction.Fail.class).failure();
            assertThat(failure.kind()).isEqualTo(FailureKind.PROTOCOL);
            assertThat(failure.retryable()).isFalse();
            assertThat(failure.message()).contains("$dps/registrations/res/#");
        }
    }

    @Test
    void eventsBeforeStartAndASecondStartDoNothing() throws Exception {
        RegistrationFlow flow = new RegistrationFlow(FlowDriver.settings(), new FakeClock(START), new Random(1));
        assertThat(flow.onConnected()).isEmpty();
        assertThat(flow.onSubscribed(new int[] {1})).isEmpty();
        assertThat(flow.onMessage("$dps/registrations/res/200/?$rid=1", new byte[0])).isEmpty();
        assertThat(flow.onTimerFired(1)).isEmpty();
        assertThat(flow.onConnectionLost("x")).isEmpty();
        assertThat(flow.onConnectFailed(ConnectFailure.NETWORK, "x")).isEmpty();
        assertThat(flow.start()).hasSize(2);
        assertThat(flow.start()).isEmpty();
    }

    @Test
    void actionListsAreImmutable() throws Exception {
        FlowDriver driver = new FlowDriver(FlowDriver.settings());
        List<FlowAction> started = driver.flow.start();
        assertThatThrownBy(() -> started.add(FlowAction.Disconnect.INSTANCE))
                .isInstanceOf(UnsupportedOperationException.class);
        driver.record(started);
        driver.record(driver.flow.onConnected());
        driver.record(driver.flow.onSubscribed(new int[] {1}));
        List<FlowAction> retry = driver.respond(429, "", "{}");
        assertThatThrownBy(() -> retry.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void customPayloadAndCsrAreSentInTheRegisterBody() throws Exception {
        RegistrationSettings settings = RegistrationSettingsTest.valid().apiVersion(ApiVersions.V2025_07_01_PREVIEW)
                .customPayloadJson("{\"modelId\":\"dtmi:x;1\"}").certificateSigningRequest("TUlJQg==").build();
        FlowDriver driver = FlowDriver.registered(settings);
        assertThat(new String(driver.lastPublish.payload(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"registrationId\":\"gw-01\",\"payload\":{\"modelId\":\"dtmi:x;1\"},\"csr\":\"TUlJQg==\"}");
    }

    @Test
    void ridsOfTwoFlowsDifferByTheirRandomPrefix() throws Exception {
        FlowDriver one = new FlowDriver(FlowDriver.settings(), START, 1L);
        FlowDriver two = new FlowDriver(FlowDriver.settings(), START, 2L);
        one.connectAndRegister();
        two.connectAndRegister();
        assertThat(one.lastRid()).isNotEqualTo(two.lastRid()).endsWith("-1");
    }

    @Test
    void actionsDescribeThemselvesWithoutSecrets() throws Exception {
        FlowDriver driver = FlowDriver.registered();
        driver.respond(429, "&retry-after=2", "{}");
        driver.fireTimer();
        driver.respond(200, "", assigned());
        String described = driver.history.toString();
        String token = new String(only(driver.history, FlowAction.Connect.class).request().password());
        assertThat(described).doesNotContain(token.substring(token.indexOf("sig=")))
                .contains("Connect[", "Subscribe[$dps/registrations/res/#]", "Publish[$dps/registrations/PUT",
                        "ScheduleTimer[", "Retrying[attempt 1", "Disconnect", "Succeed[");
        FlowAction.Publish publish = driver.lastPublish;
        assertThat(publish).isEqualTo(new FlowAction.Publish(publish.topic(), publish.payload()))
                .hasSameHashCodeAs(new FlowAction.Publish(publish.topic(), publish.payload()))
                .isNotEqualTo(new FlowAction.Publish(publish.topic(), new byte[] {1}));
        assertThat(new FlowAction.Subscribe("a")).isEqualTo(new FlowAction.Subscribe("a"))
                .hasSameHashCodeAs(new FlowAction.Subscribe("a")).isNotEqualTo(new FlowAction.Subscribe("b"));
        assertThat(new FlowAction.ScheduleTimer(1, START)).isEqualTo(new FlowAction.ScheduleTimer(1, START))
                .hasSameHashCodeAs(new FlowAction.ScheduleTimer(1, START))
                .isNotEqualTo(new FlowAction.ScheduleTimer(2, START));
        assertThat(new FlowAction.Fail(new Failures(FlowDriver.settings(), new ServiceClock(new FakeClock(START)))
                .disabled(), 1).toString()).contains("DISABLED");
    }

    private static void assertNothingAfterTheEnd(FlowDriver driver) {
        RegistrationFlow flow = driver.flow;
        assertThat(flow.start()).isEmpty();
        assertThat(flow.onConnected()).isEmpty();
        assertThat(flow.onSubscribed(new int[] {1})).isEmpty();
        assertThat(flow.onMessage("$dps/registrations/res/200/?$rid=" + driver.lastRid(),
                assigned().getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(flow.onTimerFired(driver.timer.timerId())).isEmpty();
        assertThat(flow.onConnectionLost("x")).isEmpty();
        assertThat(flow.onConnectFailed(ConnectFailure.NETWORK, "x")).isEmpty();
        assertThat(flow.isDone()).isTrue();
    }
}
