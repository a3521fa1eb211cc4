package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wait arithmetic on its own: the jitter is an input, so each case is exact. */
class RetryDelaysTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private final RetryDelays delays = new RetryDelays(SECOND, Duration.ofSeconds(120), Duration.ofSeconds(300));

    @Test
    void theCapDoublesFromTheBaseUpToTheMaximumAndNeverOverflows() {
        for (int n = 1; n <= 40; n++) {
            assertThat(delays.backoffCap(n)).isEqualTo(Duration.ofSeconds(Math.min(120, 1L << Math.min(n - 1, 20))));
        }
        assertThat(delays.backoffCap(0)).isEqualTo(SECOND);
        assertThat(delays.backoffCap(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(120));
        assertThat(new RetryDelays(SECOND, Duration.ofDays(365 * 1000), SECOND).backoffCap(Integer.MAX_VALUE))
                .isEqualTo(SECOND.multipliedBy(1L << 30));
    }

    @ParameterizedTest(name = "n={0}, jitter={1}")
    @CsvSource({ "1, 0.0, 1000", "1, 0.999, 1000", "4, 0.0, 1000", "4, 0.5, 4000", "4, 0.999, 7992",
        "8, 0.25, 30000", "20, 0.5, 60000", "20, 0.999, 119880" })
    void fullJitterIsTheFractionOfTheCapButNeverBelowTheBase(int n, double jitter, long millis) {
        assertThat(delays.backoff(n, jitter)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "retry-after {0} s, throttled for {1} s, jitter={2}")
    @CsvSource({
        // The window is 10 s at first, so the spread is 5 to 10 s ...
        "3, 0, 0.0, 8000", "3, 0, 0.999, 12995", "3, 30, 0.5, 10500", "1, -5, 0.0, 6000",
        // ... then a third of the time throttled (90 s: 30 s) ...
        "3, 90, 0.0, 18000", "3, 90, 0.999, 32985",
        // ... until the backoff maximum stops it; a long retry-after is still the floor.
        "3, 3600, 0.5, 93000", "60, 3600, 0.999, 179940" })
    void aThrottledWaitIsRetryAfterPlusHalfToAllOfAWindowThatWidensWithTheTimeThrottled(long retryAfter,
            long throttledForSeconds, double jitter, long millis) {
        assertThat(delays.throttledWait(Duration.ofSeconds(retryAfter), Duration.ofSeconds(throttledForSeconds), jitter))
                .isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void theThrottleWindowNeverExceedsTheBackoffMaximumNotEvenAtFirst() {
        RetryDelays small = new RetryDelays(SECOND, Duration.ofSeconds(4), Duration.ofSeconds(300));
        assertThat(small.throttleWindow(Duration.ZERO)).isEqualTo(Duration.ofSeconds(4));
        assertThat(small.throttleWindow(Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(4));
        assertThat(delays.throttleWindow(Duration.ofSeconds(29))).isEqualTo(RetryDelays.THROTTLE_WINDOW_MIN);
        assertThat(delays.throttleWindow(Duration.ofSeconds(31))).isEqualTo(Duration.ofSeconds(31).dividedBy(3));
        assertThat(delays.throttleWindow(Duration.ofSeconds(360))).isEqualTo(Duration.ofSeconds(120));
        assertThat(delays.throttleWindow(Duration.ofSeconds(361))).isEqualTo(Duration.ofSeconds(120));
    }

    @ParameterizedTest(name = "window {0} ms, floor divisor {1}, jitter={2}")
    @CsvSource({
        // Equal jitter: half the window, plus up to the other half.
        "10000, 2, 0.0, 5000", "10000, 2, 0.5, 7500", "10000, 2, 0.999, 9995",
        // A third of the window at least: the hub link's spread.
        "3000, 3, 0.0, 1000", "3000, 3, 0.999, 2998", "10000, 3, 0.0, 3333", "10000, 3, 0.999, 9993",
        // Full jitter is a floor divisor so large that the floor is nothing.
        "10000, 1000000, 0.25, 2500", "0, 3, 0.7, 0" })
    void aSpreadIsUniformFromItsShareOfTheWindowToTheWindow(long windowMillis, int floorDivisor, double jitter,
            long millis) {
        assertThat(RetryDelays.spread(Duration.ofMillis(windowMillis), floorDivisor, jitter))
                .isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "floor {0} s, elapsed {1} s, divisor {2}")
    @CsvSource({ "10, 0, 4, 10", "10, 39, 4, 10", "10, 44, 4, 11", "30, 200, 4, 50", "10, 2000, 4, 120",
        "10, -500, 4, 10", "200, 0, 4, 120", "10, 90, 3, 30" })
    void aWideningWindowIsTheElapsedTimesShareBetweenTheFloorAndTheMaximum(long floor, long elapsed, int divisor,
            long seconds) {
        assertThat(delays.wideningWindow(Duration.ofSeconds(floor), Duration.ofSeconds(elapsed), divisor))
                .isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void aDoublingForWaitsWithoutRetryAfterRunsFromItsBaseToItsMaximum() {
        RetryDelays pause = RetryDelays.doubling(Duration.ofSeconds(60), Duration.ofSeconds(3600));
        assertThat(pause.backoffCap(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(pause.backoffCap(6)).isEqualTo(Duration.ofSeconds(1920));
        assertThat(pause.backoffCap(7)).isEqualTo(Duration.ofSeconds(3600));
        // The pause between two runs: equal jitter below that cap.
        assertThat(RetryDelays.spread(pause.backoffCap(2), RetryDelays.EQUAL_JITTER, 0.0))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryDelays.spread(pause.backoffCap(2), RetryDelays.EQUAL_JITTER, 0.999))
                .isEqualTo(Duration.ofMillis(119_940));
        assertThat(pause.equalJitter(2, 0.999)).isEqualTo(Duration.ofMillis(119_940));
        // A maximum configured below the first pause bounds every pause.
        assertThat(RetryDelays.doubling(Duration.ofSeconds(60), Duration.ofSeconds(10)).equalJitter(1, 0.0))
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> RetryDelays.doubling(Duration.ZERO, SECOND)).hasMessageContaining("positive base");
        assertThatThrownBy(() -> RetryDelays.doubling(SECOND, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterIsClampedToOneSecondAndTheConfiguredMaximum() {
        assertThat(delays.clampRetryAfter(Duration.ZERO)).isEqualTo(RegistrationSettings.MIN_RETRY_AFTER);
        assertThat(delays.clampRetryAfter(Duration.ofMillis(999))).isEqualTo(SECOND);
        assertThat(delays.clampRetryAfter(SECOND)).isEqualTo(SECOND);
        assertThat(delays.clampRetryAfter(Duration.ofSeconds(300))).isEqualTo(Duration.ofSeconds(300));
        assertThat(delays.clampRetryAfter(Duration.ofSeconds(301))).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void theSettingsGiveTheBounds() throws Exception {
        RegistrationSettings settings = RegistrationSettingsTest.valid().backoffBase(Duration.ofMillis(500))
                .backoffMax(Duration.ofSeconds(4)).maxRetryAfter(Duration.ofSeconds(9)).build();
        RetryDelays fromSettings = RetryDelays.of(settings);
        assertThat(fromSettings.backoffCap(10)).isEqualTo(Duration.ofSeconds(4));
        assertThat(fromSettings.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(fromSettings.clampRetryAfter(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void backoffCapEqualsTheCSdkExponentialPartOfItsRetryVectors() throws Exception {
        // azure-sdk-for-c adds a caller-supplied jitter and subtracts the operation's duration; this client draws full
        // jitter below the cap instead, so only the capped exponential part is comparable: min(min*2^attempt, max).
        for (JsonNode vector : Vectors.json("csdk_retry_delay.json").get("cases")) {
            JsonNode args = vector.get("args");
            int attempt = args.get(1).asInt();
            Duration min = Duration.ofMillis(args.get(2).asLong());
            Duration max = Duration.ofMillis(args.get(3).asLong());
            long expectedCap = Math.min(min.toMillis() << attempt, max.toMillis());
            assertThat(new RetryDelays(min, max, SECOND).backoffCap(attempt + 1).toMillis()).isEqualTo(expectedCap);
            long operation = args.get(0).asLong();
            long jitter = args.get(4).asLong();
            long cDelay = Math.max(0, (max.toMillis() - expectedCap > jitter ? expectedCap + jitter : expectedCap)
                    - operation);
            assertThat(cDelay).as("the vector itself").isEqualTo(vector.get("expected").asLong());
        }
    }
}
