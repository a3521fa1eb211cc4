package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

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
