package io.kuradps.provisioning.iothub;

import java.time.Duration;

/**
 * How long to wait before sending a twin request again after the n-th consecutive 429, 5xx or unanswered request.
 * The bundle's one home of every wait is {@code protocol.RetryDelays} (exponential backoff with full jitter, the
 * jitter passed in); the room that drives the session wires it in, {@code n -> delays.backoff(n,
 * random.nextDouble())} ({@code device.HubDevice}, whose bounds bundle/README.md's "Waits" tables), so the session's
 * tests can give waits of their own.
 */
@FunctionalInterface
public interface BackoffWaits {

    /** @param consecutiveFailures 1 for the first failure since the last success */
    Duration wait(int consecutiveFailures);
}
