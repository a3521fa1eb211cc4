package io.kuradps.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Registrations-per-second throttle across the whole service; holds one second's worth as burst. Public so that the
 * bench's simulated-time fleet model throttles with this very arithmetic.
 */
public final class TokenBucket {

    private final double ratePerSecond;
    private final double capacity;
    private final Clock clock;
    private double tokens;
    private Instant lastRefill;

    public TokenBucket(double ratePerSecond, Clock clock) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("throttle must be a positive rate per second, was " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.capacity = Math.max(1.0, ratePerSecond);
        this.clock = clock;
        this.tokens = capacity;
        this.lastRefill = clock.instant();
    }

    /** Takes a token; returns 0 when granted, else the whole seconds (at least 1) until one is available. */
    public synchronized int tryAcquire() {
        Instant now = clock.instant();
        double elapsed = Duration.between(lastRefill, now).toNanos() / 1e9;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * ratePerSecond);
            lastRefill = now;
        }
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return 0;
        }
        return (int) Math.max(1, Math.ceil((1.0 - tokens) / ratePerSecond));
    }
}
