package io.kuradps.provisioning.protocol;

import java.time.Duration;

/**
 * The arithmetic of every wait of the bundle, without state, clock or randomness: the caller passes the jitter in
 * (as azure-sdk-for-c's {@code az_iot_calculate_retry_delay} takes its random part), so each rule is a plain
 * function of its inputs. Its users: the DPS retries within a run ({@link RegistrationFlow}), the pause between two
 * runs (the component's worker) and the hub link's reconnects ({@code hub.ReconnectBackoff}); the table of the waits
 * they give is in bundle/README.md, "Waits". Immutable.
 */
public final class RetryDelays {

    /** The window of the spread added to a 429/5xx retry-after is never narrower than this (nor than backoffMax)... */
    static final Duration THROTTLE_WINDOW_MIN = Duration.ofSeconds(10);
    /** ...and widens to this fraction of the time the gateway has been throttled: a third. */
    static final int THROTTLE_WINDOW_DIVISOR = 3;
    /** The floor divisor of {@link #spread} that gives "equal jitter": half the window, plus up to the other half. */
    public static final int EQUAL_JITTER = 2;
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

    /**
     * A doubling from {@code base} to {@code max} for waits that no server's retry-after governs (the pause between
     * runs, the hub link's reconnects). A base above the maximum makes every cap the maximum (a configured maximum
     * below the first pause).
     */
    public static RetryDelays doubling(Duration base, Duration max) {
        if (base.isNegative() || base.isZero() || max.isNegative() || max.isZero()) {
            throw new IllegalArgumentException("a doubling needs a positive base and maximum, was " + base + " to "
                    + max);
        }
        return new RetryDelays(base, max, max);
    }

    /** A retry-after as it is honoured: at least {@link RegistrationSettings#MIN_RETRY_AFTER}, at most the maximum. */
    Duration clampRetryAfter(Duration retryAfter) {
        if (retryAfter.compareTo(RegistrationSettings.MIN_RETRY_AFTER) < 0) {
            return RegistrationSettings.MIN_RETRY_AFTER;
        }
        return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }

    /** min(backoffMax, backoffBase * 2^(n-1)) for the n-th consecutive wait (n < 1 counts as 1). */
    public Duration backoffCap(int n) {
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
    public Duration backoff(int n, double jitter) {
        Duration jittered = fraction(backoffCap(n), jitter);
        return jittered.compareTo(backoffBase) < 0 ? backoffBase : jittered;
    }

    /** Equal jitter below the n-th cap: uniform in [{@link #backoffCap(int)} / 2, {@link #backoffCap(int)}]. */
    public Duration equalJitter(int n, double jitter) {
        return spread(backoffCap(n), EQUAL_JITTER, jitter);
    }

    /**
     * The wait after a 429/5xx that carried {@code retryAfter} (already clamped), when the gateway has been throttled
     * for {@code throttledFor} (since the first 429/5xx not followed by a 2xx): retry-after plus an equal-jitter
     * spread, i.e. between a half and the whole of the window {@link #throttleWindow(Duration)}.
     *
     * <p>Why: the spread has to keep a rebooting fleet's requests near DPS's rate, and that fleet's backlog is
     * unknown to each gateway; how long it has been throttled is its estimate. A window that stays a few seconds
     * costs a fleet of 100,000 about 200 register requests per gateway; a third of the time throttled keeps the last
     * gateways of a small fleet from idling long after DPS has capacity again (bench/RESULTS.md, fleet at scale).
     * Equal rather than full jitter: fewer requests for the same longest wait, and spread enough that gateways
     * throttled alike do not come back in waves.
     *
     * @param jitter uniform in [0, 1)
     */
    Duration throttledWait(Duration retryAfter, Duration throttledFor, double jitter) {
        return retryAfter.plus(throttleSpread(throttledFor, jitter));
    }

    /** The random part of {@link #throttledWait}: equal jitter over the window. */
    Duration throttleSpread(Duration throttledFor, double jitter) {
        return spread(throttleWindow(throttledFor), EQUAL_JITTER, jitter);
    }

    /** min(backoffMax, max(THROTTLE_WINDOW_MIN, throttledFor / THROTTLE_WINDOW_DIVISOR)). */
    Duration throttleWindow(Duration throttledFor) {
        return wideningWindow(THROTTLE_WINDOW_MIN, throttledFor, THROTTLE_WINDOW_DIVISOR);
    }

    /**
     * A window that widens with the time a shared service has been refusing: min(backoffMax, max(floor, elapsed /
     * divisor)). How long the refusals have lasted is the one estimate a device has of the backlog in front of it (the
     * fleet's size is unknown to it), so the spread grows with that backlog; a negative elapsed time (a clock set
     * back) counts as none.
     */
    public Duration wideningWindow(Duration floor, Duration elapsed, int divisor) {
        Duration proportional = elapsed.isNegative() ? Duration.ZERO : elapsed.dividedBy(divisor);
        Duration window = proportional.compareTo(floor) < 0 ? floor : proportional;
        return window.compareTo(backoffMax) > 0 ? backoffMax : window;
    }

    /**
     * A wait uniform in [window / floorDivisor, window]: never sooner than that share of the window, so an unlucky
     * draw cannot turn into a tight loop. {@value #EQUAL_JITTER} is "equal jitter"; a larger divisor spreads wider.
     *
     * @param jitter uniform in [0, 1)
     */
    public static Duration spread(Duration window, int floorDivisor, double jitter) {
        long floor = window.toMillis() / floorDivisor;
        return Duration.ofMillis(floor + (long) (jitter * (window.toMillis() - floor)));
    }

    private static Duration fraction(Duration window, double jitter) {
        return Duration.ofMillis((long) (jitter * window.toMillis()));
    }
}
