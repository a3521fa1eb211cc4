package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub link's reconnect waits with the jitter injected: the expected figures are worked out here from the rule
 * the class documents (each wait uniform in [w / 3, w]; w = 3 s after a loss; throttled w = min(300 s, max(min(30 s,
 * 10 s x 2^(n-1)), T / 4)), refused the same from 2 s; other failures w = min(300 s, 5 s x 2^(n-1))), not read from
 * its constants.
 */
class ReconnectBackoffTest {

    private static final Instant LOST = Instant.parse("2026-12-01T08:00:00Z");
    /** The largest draw the tests use; a wait is then 0.999 of the way from w / 3 to w. */
    private static final double TOP = 0.999;

    private double jitter;
    private final ReconnectBackoff backoff = new ReconnectBackoff(() -> jitter);

    @Test
    void afterALossTheFirstAttemptComesWithinOneToThreeSeconds() {
        assertThat(lostWith(0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(lostWith(0.5)).isEqualTo(Duration.ofMillis(2000));
        assertThat(lostWith(TOP)).isEqualTo(Duration.ofMillis(2998));
    }

    @ParameterizedTest(name = "jitter={0}")
    @ValueSource(doubles = { 0.0, TOP })
    void aThrottledWindowDoublesFromTenSecondsToThirtyThenWidensToAQuarterOfTheTimeDisconnected(double draw) {
        jitter = draw;
        backoff.lost(LOST);
        // n = 1 at 2 s: w = 10 s; n = 2 at 12 s: 20 s; n = 3 at 40 s: 30 s, the doubling's cap, over T / 4 = 10 s;
        // n = 4 at 160 s: T / 4 = 40 s; n = 5 at 400 s: 100 s; n = 6 at 2000 s: the 300 s ceiling.
        long[] at = { 2, 12, 40, 160, 400, 2000 };
        long[] lowest = { 3333, 6666, 10_000, 13_333, 33_333, 100_000 };
        long[] highest = { 9993, 19_986, 29_980, 39_973, 99_933, 299_800 };
        for (int i = 0; i < at.length; i++) {
            assertThat(backoff.throttled(LOST.plusSeconds(at[i]))).as("failure %d", i + 1)
                    .isEqualTo(Duration.ofMillis(draw == 0.0 ? lowest[i] : highest[i]));
        }
    }

    @Test
    void aHubThatIsNotThereIsTriedFromTwoSecondsAndItsCountCarriesIntoTheThrottledFloor() {
        jitter = 0.0;
        backoff.lost(LOST);
        // Refused at 2, 4 and 8 s: floors of 2, 4 and 8 s, each above a quarter of the time disconnected.
        assertThat(backoff.refused(LOST.plusSeconds(2))).isEqualTo(Duration.ofMillis(666));
        assertThat(backoff.refused(LOST.plusSeconds(4))).isEqualTo(Duration.ofMillis(1333));
        assertThat(backoff.refused(LOST.plusSeconds(8))).isEqualTo(Duration.ofMillis(2666));
        // 200 s refused: a quarter, 50 s, over the 16 s floor.
        assertThat(backoff.refused(LOST.plusSeconds(200))).isEqualTo(Duration.ofMillis(16_666));
        // The hub answers again, throttling: the fifth failure's floor is the 30 s cap already.
        assertThat(backoff.throttled(LOST.plusSeconds(210))).isEqualTo(Duration.ofMillis(17_500));
    }

    @Test
    void otherFailuresDoubleFromFiveSecondsToFiveMinutes() {
        backoff.lost(LOST);
        long[] windows = { 5, 10, 20, 40, 80, 160, 300, 300 };
        for (int n = 1; n <= windows.length; n++) {
            jitter = n % 2 == 0 ? 0.0 : TOP;
            long window = windows[n - 1] * 1000;
            long expected = window / 3 + (long) (jitter * (window - window / 3));
            assertThat(backoff.failed(LOST.plusSeconds(n))).as("failure %d", n).isEqualTo(Duration.ofMillis(expected));
        }
    }

    @ParameterizedTest(name = "jitter={0}")
    @ValueSource(doubles = { 0.0, 0.25, 0.5, 0.75, TOP })
    void everyWaitLiesWithinAThirdOfItsWindowAndTheWindow(double draw) {
        jitter = draw;
        List<Duration> waits = new ArrayList<>();
        List<Duration> windows = new ArrayList<>();
        waits.add(backoff.lost(LOST));
        windows.add(Duration.ofSeconds(3));
        Instant now = LOST;
        for (int n = 1; n <= 12; n++) {
            now = now.plus(waits.get(waits.size() - 1));
            long disconnected = Duration.between(LOST, now).toMillis();
            long floor = Math.min(30_000, 10_000L << (n - 1));
            windows.add(Duration.ofMillis(Math.min(300_000, Math.max(floor, disconnected / 4))));
            waits.add(backoff.throttled(now));
        }
        for (int i = 0; i < waits.size(); i++) {
            Duration window = windows.get(i);
            assertThat(waits.get(i)).as("wait %d", i).isBetween(Duration.ofMillis(window.toMillis() / 3), window);
        }
    }

    @Test
    void aConnectionResetsTheCountAndTheTimeDisconnected() {
        jitter = 0.0;
        backoff.lost(LOST);
        for (int n = 1; n <= 4; n++) {
            backoff.throttled(LOST.plusSeconds(100 * n));
        }
        backoff.connected();

        // Failing to connect afresh (no loss first) counts from that failure: T = 0, n = 1, w = 10 s.
        Instant later = LOST.plusSeconds(10_000);
        assertThat(backoff.throttled(later)).isEqualTo(Duration.ofMillis(3333));
        // 200 s later, n = 2: w = max(20 s, 50 s).
        assertThat(backoff.throttled(later.plusSeconds(200))).isEqualTo(Duration.ofMillis(16_666));
        assertThat(backoff.lost(later.plusSeconds(300))).isEqualTo(Duration.ofMillis(1000));
        assertThat(backoff.failed(later.plusSeconds(301))).as("the loss started the count afresh")
                .isEqualTo(Duration.ofMillis(1666));
    }

    @Test
    void aThrottleAfterOtherFailuresKeepsTheirCountAndAClockSetBackCountsAsNoTime() {
        jitter = 0.0;
        backoff.lost(LOST);
        backoff.failed(LOST.plusSeconds(2));
        backoff.failed(LOST.plusSeconds(5));
        // n = 3: the floor is 30 s already; the clock set back an hour makes T negative, counted as none.
        assertThat(backoff.throttled(LOST.minusSeconds(3600))).isEqualTo(Duration.ofMillis(10_000));
    }

    private Duration lostWith(double draw) {
        jitter = draw;
        return backoff.lost(LOST);
    }
}
