package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class ProtocolPropertiesTest {

    @Property
    void registerTopicRidRoundTripsThroughAResponseTopic(@ForAll("text") String rid,
            @ForAll @IntRange(min = 100, max = 599) int status) throws Exception {
        String encoded = Topics.register(rid).substring(Topics.REGISTER_PREFIX.length());
        ResponseTopic parsed = Topics.parseResponse(Topics.RESPONSE_PREFIX + status + "/?$rid=" + encoded);
        assertThat(parsed.rid()).isEqualTo(rid);
        assertThat(parsed.status()).isEqualTo(status);
        assertThat(parsed.retryAfter()).isEmpty();
    }

    @Property
    void pollTopicParametersRoundTripInEitherOrder(@ForAll("text") String rid, @ForAll("text") String operationId,
            @ForAll @IntRange(min = 0, max = 999_999_999) int retryAfter, @ForAll boolean retryAfterFirst)
            throws Exception {
        String query = Topics.poll(rid, operationId).substring(Topics.POLL_PREFIX.length());
        String parameters = retryAfterFirst ? "retry-after=" + retryAfter + "&$rid=" + query
                : "$rid=" + query + "&retry-after=" + retryAfter;
        ResponseTopic parsed = Topics.parseResponse(Topics.RESPONSE_PREFIX + "202/?" + parameters);
        assertThat(parsed.rid()).isEqualTo(rid);
        assertThat(parsed.parameters()).containsEntry("operationId", operationId);
        assertThat(parsed.retryAfter()).contains(Duration.ofSeconds(retryAfter));
    }

    @Property
    void encodedValuesContainOnlyUnreservedCharactersAndEscapes(@ForAll("text") String value) {
        assertThat(UrlEncoding.encode(value)).matches("[A-Za-z0-9._~%-]*").doesNotContain("%7E").doesNotContain("+");
    }

    @Property(tries = 2000)
    void anyTopicParsesOrRaisesOnlyTheCoreException(@ForAll("topics") String topic) {
        assertThatCode(() -> {
            try {
                ResponseTopic parsed = Topics.parseResponse(topic);
                assertThat(parsed.rid()).isNotEmpty();
            } catch (DpsProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }).doesNotThrowAnyException();
    }

    @Property(tries = 2000)
    void anyBytesParseOrRaiseOnlyTheCoreException(@ForAll("bodies") byte[] body) {
        assertThatCode(() -> {
            try {
                OperationStatus status = Bodies.parseOperationStatus(body);
                if (status.status() == RegistrationStatus.ASSIGNED) {
                    assertThat(status.registrationState().get().deviceId()).isPresent();
                }
            } catch (DpsProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            try {
                Bodies.parseError(body);
            } catch (DpsProtocolException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }).doesNotThrowAnyException();
    }

    /**
     * Whatever arrives in whatever order, the flow never throws, keeps timers within the deadline, and ends; it
     * never polls before a 202's retry-after, nor sends any request before a 429's or 5xx's retry-after.
     */
    @Property(tries = 300)
    void flowSurvivesAnyEventSequence(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 13) Integer> events,
            @ForAll long seed) throws Exception {
        RegistrationSettings settings = RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofMinutes(5)).build();
        FlowDriver driver = new FlowDriver(settings, FlowDriver.START, seed);
        Instant deadline = FlowDriver.START.plus(settings.overallDeadline());
        check(driver, driver.flow.start(), deadline);
        Instant noPollBefore = Instant.MIN;
        Instant noRequestBefore = Instant.MIN;
        for (int event : events) {
            boolean doneBefore = driver.flow.isDone();
            Instant now = driver.clock.instant();
            List<FlowAction> actions = check(driver, next(driver, event, 7), deadline);
            if (doneBefore) {
                assertThat(actions).isEmpty();
            }
            if (event == 2 && actions.size() == 1 && actions.get(0) instanceof FlowAction.ScheduleTimer) {
                noPollBefore = now.plusSeconds(7);
            }
            if (event >= 12 && actions.stream().anyMatch(a -> a instanceof FlowAction.Retrying)) {
                noRequestBefore = now.plusSeconds(7);
            }
            assertNoRequestBefore(driver, actions, noRequestBefore);
            for (FlowAction action : actions) {
                if (action instanceof FlowAction.Publish
                        && ((FlowAction.Publish) action).topic().startsWith(Topics.POLL_PREFIX)) {
                    assertThat(driver.clock.instant()).as("poll not before retry-after").isAfterOrEqualTo(noPollBefore);
                }
            }
        }
    }

    /**
     * Throttled by DPS with any retry-after, then whatever happens (lost connections, failed connects, timers, more
     * throttling), no request (CONNECT, register or poll) goes out before the latest retry-after has passed.
     */
    @Property(tries = 1000)
    void noRequestBeforeTheRetryAfterOfAThrottle(@ForAll("throttleEvents") List<Integer> events,
            @ForAll @IntRange(min = 1, max = 60) int retryAfter, @ForAll long seed) throws Exception {
        RegistrationSettings settings = RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(10))
                .overallDeadline(Duration.ofHours(2)).build();
        FlowDriver driver = new FlowDriver(settings, FlowDriver.START, seed);
        driver.connectAndRegister();
        Instant noRequestBefore = Instant.MIN;
        for (int event : events) {
            Instant now = driver.clock.instant();
            List<FlowAction> actions = driver.record(next(driver, event, retryAfter));
            if (event >= 12 && actions.stream().anyMatch(a -> a instanceof FlowAction.Retrying)) {
                noRequestBefore = now.plusSeconds(retryAfter);
            }
            assertNoRequestBefore(driver, actions, noRequestBefore);
        }
    }

    /**
     * Whatever the history (a throttle carried over from an earlier run, lost connections, timers, more throttling)
     * and whatever backoffMax, a 429/5xx with retry-after is waited out for at least retry-after plus half the
     * narrowest window, at most retry-after plus backoffMax, and never past the deadline.
     */
    @Property(tries = 1000)
    void everyThrottledWaitIsRetryAfterPlusASpreadBoundedByTheBackoffMaximum(
            @ForAll("throttleEvents") List<Integer> events, @ForAll @IntRange(min = 1, max = 60) int retryAfter,
            @ForAll @IntRange(min = 1, max = 300) int backoffMaxSeconds,
            @ForAll @IntRange(min = -1, max = 7200) int carriedSeconds, @ForAll long seed) throws Exception {
        Duration backoffMax = Duration.ofSeconds(backoffMaxSeconds);
        RegistrationSettings settings = RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(10))
                .backoffMax(backoffMax).overallDeadline(Duration.ofHours(2)).build();
        Instant carried = carriedSeconds < 0 ? null : FlowDriver.START.minusSeconds(carriedSeconds);
        FlowDriver driver = new FlowDriver(settings, FlowDriver.START, seed, carried);
        driver.connectAndRegister();
        Instant deadline = FlowDriver.START.plus(settings.overallDeadline());
        Duration narrowest = backoffMax.compareTo(Duration.ofSeconds(10)) < 0 ? backoffMax : Duration.ofSeconds(10);
        for (int event : events) {
            Instant now = driver.clock.instant();
            List<FlowAction> actions = driver.record(next(driver, event, retryAfter));
            for (FlowAction action : actions) {
                if (event >= 12 && action instanceof FlowAction.Retrying) {
                    Duration wait = Duration.between(now, ((FlowAction.Retrying) action).retryAt());
                    assertThat(wait).isBetween(Duration.ofSeconds(retryAfter).plus(narrowest.dividedBy(2)),
                            Duration.ofSeconds(retryAfter).plus(backoffMax));
                    assertThat(((FlowAction.Retrying) action).retryAt()).isBefore(deadline);
                }
            }
        }
    }

    /** Connected, subscribed, timer fired, connection lost, connect failed, 429 and 503 with retry-after. */
    @Provide
    Arbitrary<List<Integer>> throttleEvents() {
        return Arbitraries.of(0, 1, 6, 7, 8, 12, 13).list().ofMinSize(1).ofMaxSize(30);
    }

    private static void assertNoRequestBefore(FlowDriver driver, List<FlowAction> actions, Instant notBefore) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.Publish || action instanceof FlowAction.Connect) {
                assertThat(driver.clock.instant()).as("no request before a throttle's retry-after")
                        .isAfterOrEqualTo(notBefore);
            }
        }
    }

    private static List<FlowAction> next(FlowDriver driver, int event, int throttleRetryAfter) {
        byte[] garbage = {(byte) 0xff, '{'};
        String rid = driver.lastPublish == null ? "none" : driver.lastRid();
        switch (event) {
            case 0:
                return driver.flow.onConnected();
            case 1:
                return driver.flow.onSubscribed(new int[] {1});
            case 2:
                return message(driver, "202/?$rid=" + rid + "&retry-after=7", FlowDriver.assigning());
            case 3:
                return message(driver, "202/?$rid=" + rid, FlowDriver.assigning());
            case 4:
                return message(driver, "429/?$rid=" + rid, "{}");
            case 5:
                return driver.flow.onMessage(Topics.RESPONSE_PREFIX + "200/?$rid=" + rid, garbage);
            case 6:
                return driver.timer == null ? driver.flow.onTimerFired(0) : driver.fireTimer();
            case 7:
                return driver.flow.onConnectionLost("reset");
            case 8:
                return driver.flow.onConnectFailed(ConnectFailure.NETWORK, "unreachable");
            case 9:
                return message(driver, "503/?$rid=stray", "{}");
            case 10:
                driver.clock.advance(Duration.ofSeconds(3));
                return driver.flow.onTimerFired(-1);
            case 12:
                return message(driver, "429/?$rid=" + rid + "&retry-after=" + throttleRetryAfter, "{}");
            case 13:
                return message(driver, "503/?$rid=" + rid + "&retry-after=" + throttleRetryAfter, "{}");
            default:
                return message(driver, "200/?$rid=" + rid, FlowDriver.assigned());
        }
    }

    private static List<FlowAction> message(FlowDriver driver, String topicTail, String body) {
        return driver.flow.onMessage(Topics.RESPONSE_PREFIX + topicTail, body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<FlowAction> check(FlowDriver driver, List<FlowAction> actions, Instant deadline) {
        driver.record(actions);
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.ScheduleTimer) {
                Instant at = ((FlowAction.ScheduleTimer) action).at();
                assertThat(at).isAfterOrEqualTo(driver.clock.instant()).isBeforeOrEqualTo(deadline);
            }
            if (action instanceof FlowAction.Retrying) {
                assertThat(((FlowAction.Retrying) action).retryAt()).isBefore(deadline);
            }
        }
        return actions;
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff');
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> pieces = Arbitraries.of("$dps/registrations/res/", "200", "202", "429", "/?", "$rid=", "rid=",
                "retry-after=", "&", "=", "%", "%2", "%41", "+", "1", "-5", "99999999999", "operationId=", "/", "#", "?");
        Arbitrary<String> structured = pieces.list().ofMaxSize(12).map(list -> String.join("", list));
        Arbitrary<String> prefixed = Arbitraries.strings().ofMaxLength(30)
                .map(tail -> Topics.RESPONSE_PREFIX + tail);
        return Arbitraries.oneOf(structured, prefixed, Arbitraries.strings().ofMaxLength(60));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"operationId\"", "\"status\"",
                "\"registrationState\"", "\"assigned\"", "\"assigning\"", "\"failed\"", "\"assignedHub\"",
                "\"deviceId\"", "\"payload\"", "\"errorCode\"", "\"issuedCertificateChain\"", "\"h\"", "1", "1.5",
                "null", "true", "\"\\u00e9\"", "\"\\ud800\"", " ");
        Arbitrary<byte[]> jsonish = tokens.list().ofMaxSize(30)
                .map(list -> String.join("", list).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> deep = Arbitraries.integers().between(900, 1200)
                .map(depth -> (repeat("[", depth) + repeat("]", depth)).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> wellFormed = Combinators.combine(Arbitraries.of("assigned", "assigning", "failed",
                "disabled", "unassigned"), Arbitraries.of("", ",\"assignedHub\":\"h\",\"deviceId\":\"d\"",
                ",\"deviceId\":\"d\"", ",\"payload\":[1,{}]"))
                .as((status, state) -> ("{\"operationId\":\"o\",\"status\":\"" + status
                        + "\",\"registrationState\":{\"status\":\"" + status + "\"" + state + "}}")
                        .getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(jsonish, raw, deep, wellFormed);
    }

    private static String repeat(String s, int n) {
        return new String(new char[n]).replace("\0", s);
    }

    @Property
    void sasSignatureIsStableAndDependsOnExpiry(@ForAll @StringLength(min = 1, max = 20)
            @CharRange(from = 'a', to = 'z') String registrationId, @ForAll @IntRange(min = 1, max = 2_000_000_000) int se)
            throws Exception {
        String key = RegistrationSettingsTest.DEVICE_KEY;
        String token = SasTokens.create("0ne00000A0A", registrationId, key, se);
        assertThat(token).isEqualTo(SasTokens.create("0ne00000A0A", registrationId, key, se))
                .isNotEqualTo(SasTokens.create("0ne00000A0A", registrationId, key, se + 1L))
                .startsWith("SharedAccessSignature sr=0ne00000A0A%2Fregistrations%2F" + registrationId + "&sig=");
    }
}
