package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.kuradps.provisioning.protocol.FakeClock;

/** The twin session driven by hand with a fake clock: what it sends, when, and what it tells. */
class TwinSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonNode DOCS = HubVectors.json("msdocs.json");

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final List<Integer> backoffsAskedFor = new ArrayList<>();
    private TwinSession session;

    @BeforeEach
    void newSession() {
        session = new TwinSession(clock, new Random(7), TIMEOUT, n -> {
            backoffsAskedFor.add(n);
            return Duration.ofSeconds(5L * n);
        });
    }

    @Test
    void aConnectSubscribesThenReadsTheWholeTwin() {
        List<TwinAction> actions = session.onConnected();

        assertThat(actions).hasSize(4);
        assertThat(actions.get(0)).isEqualTo(new TwinAction.Subscribe("$iothub/twin/res/#"));
        assertThat(actions.get(1)).isEqualTo(new TwinAction.Subscribe("$iothub/twin/PATCH/properties/desired/#"));
        TwinAction.Publish get = (TwinAction.Publish) actions.get(2);
        assertThat(get.topic()).startsWith("$iothub/twin/GET/?$rid=");
        assertThat(get.payload()).isEmpty();
        assertThat(((TwinAction.ScheduleTimer) actions.get(3)).at()).isEqualTo(clock.instant().plus(TIMEOUT));
        assertThat(session.desired()).isEmpty();
    }

    @Test
    void theTwinsAnswerGivesDesiredAndReportedAndOnlyWhatDiffersIsReported() {
        String rid = rid(session.onConnected().get(2));
        session.report("telemetrySendFrequency", text("\"5m\""));
        session.report("batteryLevel", text("60"));

        List<TwinAction> actions = answerGet(rid);

        TwinAction.DesiredChanged desired = (TwinAction.DesiredChanged) actions.get(0);
        assertThat(desired.full()).isTrue();
        assertThat(desired.patch()).isEmpty();
        assertThat(desired.desired().version()).isEqualTo(12);
        assertThat(((TwinAction.ReportedHeld) actions.get(1)).reported().version()).isEqualTo(123);
        TwinAction.Publish patch = (TwinAction.Publish) actions.get(2);
        assertThat(patch.topic()).startsWith("$iothub/twin/PATCH/properties/reported/?$rid=");
        assertThat(new String(patch.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"batteryLevel\":60}");

        List<TwinAction> accepted = session.onMessage("$iothub/twin/res/204/?$rid=" + rid(patch) + "&$version=124",
                new byte[0]);
        TwinSection held = ((TwinAction.ReportedHeld) accepted.get(0)).reported();
        assertThat(held.version()).isEqualTo(124);
        assertThat(held.json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\",\"batteryLevel\":60}");
        assertThat(accepted).noneMatch(TwinAction.Publish.class::isInstance);
        assertThat(session.report("batteryLevel", text("60.0"))).isEmpty();
        assertThat(session.reported()).contains(held);
    }

    @Test
    void onePatchIsInFlightAtATimeAndTheNextCarriesWhatChangedMeanwhile() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        TwinAction.Publish first = publishIn(session.report("a", text("1")));
        assertThat(session.report("b", text("2"))).noneMatch(TwinAction.Publish.class::isInstance);
        assertThat(session.report("a", text("3"))).noneMatch(TwinAction.Publish.class::isInstance);

        TwinAction.Publish second = publishIn(session.onMessage("$iothub/twin/res/204/?$rid=" + rid(first)
                + "&$version=124", new byte[0]));
        assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":3,\"b\":2}");
    }

    @Test
    void aThrottledPatchGoesAgainAfterAGrowingBackoffRecomputedFromWhatIsWanted() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        TwinAction.Publish patch = publishIn(session.report("a", text("1")));

        List<TwinAction> throttled = session.onMessage("$iothub/twin/res/429/?$rid=" + rid(patch), new byte[0]);
        TwinAction.RequestFailed failed = (TwinAction.RequestFailed) throttled.get(0);
        assertThat(failed.message()).contains("429 (throttled)");
        assertThat(failed.retryAt()).isEqualTo(clock.instant().plusSeconds(5));
        TwinAction.ScheduleTimer timer = (TwinAction.ScheduleTimer) throttled.get(1);
        assertThat(timer.at()).isEqualTo(clock.instant().plusSeconds(5));
        assertThat(session.report("a", text("2"))).noneMatch(TwinAction.Publish.class::isInstance);

        clock.advance(Duration.ofSeconds(5));
        TwinAction.Publish again = publishIn(session.onTimerFired(timer.id()));
        assertThat(new String(again.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":2}");
        List<TwinAction> serverError = session.onMessage("$iothub/twin/res/503/?$rid=" + rid(again), new byte[0]);
        assertThat(((TwinAction.RequestFailed) serverError.get(0)).retryAt())
                .isEqualTo(clock.instant().plusSeconds(10));
        assertThat(backoffsAskedFor).containsExactly(1, 2);
    }

    @Test
    void aRefusedPatchIsGivenUpUntilWhatIsWantedChanges() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        TwinAction.Publish patch = publishIn(session.report("a", text("1")));

        List<TwinAction> refused = session.onMessage("$iothub/twin/res/400/?$rid=" + rid(patch), new byte[0]);
        assertThat(((TwinAction.RequestFailed) refused.get(0)).retryAt()).isNull();
        assertThat(refused).noneMatch(TwinAction.Publish.class::isInstance);
        assertThat(session.report("a", text("1"))).noneMatch(TwinAction.Publish.class::isInstance);
        assertThat(publishIn(session.report("a", text("2")))).isNotNull();
    }

    @Test
    void aPatchBeyondIoTHubsLimitsIsNotSent() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        List<TwinAction> actions = session.report("bad.key", text("1"));
        assertThat(actions).hasSize(1);
        assertThat(((TwinAction.RequestFailed) actions.get(0)).message())
                .startsWith("reported patch not sent: reported patch: key 'bad.key' holds '.'");
    }

    @Test
    void anUnansweredGetIsSentAgainAfterABackoff() {
        List<TwinAction> connected = session.onConnected();
        TwinAction.ScheduleTimer deadline = (TwinAction.ScheduleTimer) connected.get(3);
        clock.set(deadline.at());

        List<TwinAction> late = session.onTimerFired(deadline.id());
        assertThat(((TwinAction.RequestFailed) late.get(0)).message()).contains("no answer to the twin GET");
        TwinAction.ScheduleTimer retry = (TwinAction.ScheduleTimer) late.get(1);
        assertThat(retry.at()).isEqualTo(clock.instant().plusSeconds(5));
        assertThat(session.onTimerFired(deadline.id())).isEmpty();

        clock.set(retry.at());
        TwinAction.Publish get = publishIn(session.onTimerFired(retry.id()));
        assertThat(get.topic()).startsWith("$iothub/twin/GET/?$rid=").isNotEqualTo(
                ((TwinAction.Publish) connected.get(2)).topic());
        assertThat(session.onMessage(((TwinAction.Publish) connected.get(2)).topic()
                .replace("GET/", "res/200/"), twinBody())).isEmpty();
    }

    @Test
    void desiredUpdatesFollowTheReconnectionFlow() {
        String rid = rid(session.onConnected().get(2));
        assertThat(session.onMessage(desiredTopic(13), body("{\"early\":1}"))).isEmpty();
        assertThat(session.onMessage(desiredTopic(12), body("{\"stale\":1}"))).isEmpty();

        List<TwinAction> answered = answerGet(rid);
        assertThat(answered).filteredOn(TwinAction.DesiredChanged.class::isInstance).hasSize(2);
        TwinAction.DesiredChanged early = (TwinAction.DesiredChanged) answered.get(2);
        assertThat(early.full()).isFalse();
        assertThat(early.desired().version()).isEqualTo(13);
        assertThat(early.desired().json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\",\"early\":1}");

        JsonNode update = DOCS.get("desired_update");
        assertThat(session.onMessage(desiredTopic(update.get("topic_version").asLong()),
                HubVectors.bytes(update.get("body")))).isEmpty();
        List<TwinAction> next = session.onMessage(desiredTopic(14), body("{\"telemetrySendFrequency\":null}"));
        TwinAction.DesiredChanged merged = (TwinAction.DesiredChanged) next.get(0);
        assertThat(merged.desired().json()).isEqualTo("{\"early\":1}");
        assertThat(merged.patch().get().json()).isEqualTo("{\"telemetrySendFrequency\":null}");
        assertThat(session.desired()).contains(merged.desired());
    }

    @Test
    void aSkippedVersionReadsTheTwinAgainInsteadOfMerging() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        List<TwinAction> gap = session.onMessage(desiredTopic(14), body("{\"x\":1}"));
        assertThat(publishIn(gap).topic()).startsWith("$iothub/twin/GET/?$rid=");
        assertThat(session.desired().get().version()).isEqualTo(12);
        List<TwinAction> badBody = session.onMessage(desiredTopic(13), body("[1]"));
        assertThat(((TwinAction.RequestFailed) badBody.get(0)).message())
                .isEqualTo("desired update: expected a JSON object, got ARRAY; reading the twin again");
    }

    @Test
    void aLostConnectionDropsWhatWasOutstandingAndTheNextConnectStartsOver() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        TwinAction.Publish patch = publishIn(session.report("a", text("1")));
        assertThat(session.onConnectionLost()).isEmpty();
        assertThat(session.report("b", text("2"))).isEmpty();
        assertThat(session.onMessage("$iothub/twin/res/204/?$rid=" + rid(patch), new byte[0])).isEmpty();

        List<TwinAction> again = session.onConnected();
        String newRid = rid(again.get(2));
        List<TwinAction> answered = answerGet(newRid);
        assertThat(new String(publishIn(answered).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1,\"b\":2}");
    }

    @Test
    void deletingAManagedNameSendsANullOnceAndForgetsIt() {
        String rid = rid(session.onConnected().get(2));
        answerGet(rid);
        TwinAction.Publish delete = publishIn(session.report("batteryLevel", null));
        assertThat(new String(delete.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"batteryLevel\":null}");
        session.onMessage("$iothub/twin/res/204/?$rid=" + rid(delete) + "&$version=124", new byte[0]);
        assertThat(session.reported().get().json()).isEqualTo("{\"telemetrySendFrequency\":\"5m\"}");
        assertThat(session.report("other", null)).isEmpty();
    }

    @Test
    void answersThatMatchNoRequestAndOtherTopicsAreIgnored() {
        session.onConnected();
        assertThat(session.onMessage("$iothub/twin/res/200/?$rid=someone-else", twinBody())).isEmpty();
        assertThat(session.onMessage("$iothub/methods/POST/x/?$rid=1", new byte[0])).isEmpty();
        assertThat(session.onMessage("garbage", new byte[0])).isEmpty();
        assertThat(session.desired()).isEmpty();
    }

    @Test
    void aGarbledTwinIsReadAgainAfterABackoff() {
        String rid = rid(session.onConnected().get(2));
        List<TwinAction> garbled = session.onMessage("$iothub/twin/res/200/?$rid=" + rid, body("{\"desired\":{}}"));
        assertThat(((TwinAction.RequestFailed) garbled.get(0)).message()).isEqualTo("twin document desired $version: missing");
        assertThat(((TwinAction.RequestFailed) garbled.get(0)).retryAt()).isEqualTo(clock.instant().plusSeconds(5));
    }

    private List<TwinAction> answerGet(String rid) {
        return session.onMessage("$iothub/twin/res/200/?$rid=" + rid, twinBody());
    }

    private static byte[] twinBody() {
        return HubVectors.bytes(DOCS.get("twin_get_response"));
    }

    private static String desiredTopic(long version) {
        return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
    }

    private static TwinAction.Publish publishIn(List<TwinAction> actions) {
        return (TwinAction.Publish) actions.stream().filter(TwinAction.Publish.class::isInstance).findFirst()
                .orElseThrow(() -> new AssertionError("no publish in " + actions));
    }

    private static String rid(TwinAction publish) {
        String topic = ((TwinAction.Publish) publish).topic();
        return topic.substring(topic.indexOf("$rid=") + 5);
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode text(String json) {
        try {
            return TwinJson.read(body(json), "test");
        } catch (HubProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
