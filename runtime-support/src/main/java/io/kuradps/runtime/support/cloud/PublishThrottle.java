package io.kuradps.runtime.support.cloud;

import java.util.function.LongSupplier;

/**
 * The DataService's rate limit as Kura 5.5 keeps it (runtime-support/README.md: {@code DataServiceImpl.createThrottle}
 * and {@code core/internal/data/TokenBucket.java}): a bucket of {@code burst} tokens, full at the start, one token per
 * message; tokens come back one per period, whole periods only, never more than the burst, and at least one once a
 * period has passed. Not thread-safe: the DataService's publisher thread is its only user.
 */
final class PublishThrottle {

    private final int capacity;
    private final long refillPeriodNanos;
    private final LongSupplier nanoTime;
    private int tokens;
    private long lastRefill;

    /**
     * @param burst tokens at most (Kura's {@code rate.limit.burst.size})
     * @param refillPeriodNanos one token back per this many nanoseconds (the time unit divided by
     *            {@code rate.limit.average})
     * @param nanoTime the clock, {@link System#nanoTime()} outside tests
     */
    PublishThrottle(int burst, long refillPeriodNanos, LongSupplier nanoTime) {
        this.capacity = burst;
        this.refillPeriodNanos = refillPeriodNanos;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.lastRefill = nanoTime.getAsLong();
    }

    /** @return whether a message may go now (and a token was taken for it) */
    boolean take() {
        refill();
        if (this.tokens == 0) {
            return false;
        }
        this.tokens--;
        return true;
    }

    /** Nanoseconds until the next token comes back; 0 when one is due. */
    long nanosToNextToken() {
        return Math.max(0, this.lastRefill + this.refillPeriodNanos - this.nanoTime.getAsLong());
    }

    private void refill() {
        long elapsed = this.nanoTime.getAsLong() - this.lastRefill;
        if (elapsed < this.refillPeriodNanos) {
            return;
        }
        long periods = elapsed / this.refillPeriodNanos;
        this.tokens = (int) Math.max(1, Math.min(this.capacity, this.tokens + periods));
        this.lastRefill += periods * this.refillPeriodNanos;
    }
}
