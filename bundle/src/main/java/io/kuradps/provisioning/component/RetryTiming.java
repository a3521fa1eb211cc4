package io.kuradps.provisioning.component;

import java.time.Duration;

/**
 * How long to wait and when to give up: none of it changes how the gateway registers, so a change takes effect at
 * the next run without interrupting the current one. Immutable.
 */
final class RetryTiming {

    final Duration responseTimeout;
    final Duration maxRetryAfter;
    final Duration backoffMax;
    final Duration deadline;
    final Duration retryPauseMax;

    RetryTiming(Duration responseTimeout, Duration maxRetryAfter, Duration backoffMax, Duration deadline,
            Duration retryPauseMax) {
        this.responseTimeout = responseTimeout;
        this.maxRetryAfter = maxRetryAfter;
        this.backoffMax = backoffMax;
        this.deadline = deadline;
        this.retryPauseMax = retryPauseMax;
    }

    @Override
    public String toString() {
        return "responseTimeout=" + responseTimeout.getSeconds() + " s, maxRetryAfter=" + maxRetryAfter.getSeconds()
                + " s, backoffMax=" + backoffMax.getSeconds() + " s, deadline=" + deadline.getSeconds()
                + " s, retryPauseMax=" + retryPauseMax.getSeconds() + " s";
    }
}
