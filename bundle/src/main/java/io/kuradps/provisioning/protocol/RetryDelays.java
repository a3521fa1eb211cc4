package io.kuradps.provisioning.protocol;

import java.time.Duration;

/**
 * The arithmetic of every wait between two requests, without state, clock or randomness: the caller passes the
 * jitter in (as azure-sdk-for-c's {@code az_iot_calculate_retry_delay} takes its random part), so each rule is a
 * plain function of its inputs. Immutable.
 */
final class RetryDelays {

    /** The spread added to a 429/5xx retry-after is at most this many times that retry-after. */
    static final int THROTTLE_SPREAD_FACTOR = 8;
    /** Beyond 2^30 times the base every sane backoff is capped; stops the doubling from overflowing. */
    private static final int MAX_BACKOFF_EXPONENT = 30;

    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Duration maxRetryAfter;

    RetryDelays(Duration backoffBase, Duration backoffMax, Duration maxRetryAfter) {
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** The bounds a registration's settings give. */
    static RetryDelays of(RegistrationSettings settings) {
        return new RetryDelays(settings.backoffBase(), settings.backoffMax(), settings.maxRetryAfter());
    }

    /** A retry-after as it is honoured: at least {@link RegistrationSettings#MIN_RETRY_AFTER}, at most the maximum. */
    Duration clampRetryAfter(Duration retryAfter) {
        if (retryAfter.compareTo(RegistrationSettings.MIN_RETRY_AFTER) < 0) {
            return RegistrationSettings.MIN_RETRY_AFTER;
        }
        return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }

    /** min(backoffMax, backoffBase * 2^(n-1)) for the n-th consecutive wait. */
    Duration backoffCap(int n) {
        Duration cap = backoffBase;
        for (int doubling = 1; doubling < n && doubling <= MAX_BACKOFF_EXPONENT
                && cap.compareTo(backoffMax) < 0; doubling++) {
            cap = cap.multipliedBy(2);
        }
        return cap.compareTo(backoffMax) > 0 ? backoffMax : cap;
    }

    /**
     * Full jitter: {@code jitter} x {@link #backoffCap(int)}, but never below backoffBase so an unlucky draw cannot
     * become a tight loop against the service.
     *
     * @param jitter uniform in [0, 1)
     */
    Duration backoff(int n, double jitter) {
        Duration jittered = fraction(backoffCap(n), jitter);
        return jittered.compareTo(backoffBase) < 0 ? backoffBase : jittered;
    }

    /**
     * The wait after the n-th 429/5xx in a row that carried {@code retryAfter} (already clamped): retry-after plus
     * {@code jitter} x min(backoffCap(n), THROTTLE_SPREAD_FACTOR x retryAfter). DPS already paces us with its
     * retry-after; the spread only has to break a rebooting fleet's lock-step. Letting it grow to backoffMax left
     * the last gateways of a 2,000-gateway fleet waiting out 100 s windows while DPS was idle (bench/RESULTS.md).
     *
     * @param jitter uniform in [0, 1)
     */
    Duration throttledWait(Duration retryAfter, int n, double jitter) {
        return retryAfter.plus(throttleSpread(retryAfter, n, jitter));
    }

    /** The random part of {@link #throttledWait}. */
    Duration throttleSpread(Duration retryAfter, int n, double jitter) {
        Duration proportional = retryAfter.multipliedBy(THROTTLE_SPREAD_FACTOR);
        Duration cap = backoffCap(n);
        return fraction(cap.compareTo(proportional) > 0 ? proportional : cap, jitter);
    }

    private static Duration fraction(Duration window, double jitter) {
        return Duration.ofMillis((long) (jitter * window.toMillis()));
    }
}
