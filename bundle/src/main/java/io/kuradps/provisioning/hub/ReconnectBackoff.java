package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

import io.kuradps.provisioning.protocol.RetryDelays;

/**
 * When the hub link tries to connect again: after a lost connection, after a hub that throttles or refuses the
 * connection, and after any other failure. Holds the failures since the link was last connected and when it lost
 * (or first failed to make) its connection; the arithmetic is {@link RetryDelays}'. Every wait is uniform in [w / 3,
 * w] for a window w chosen by the cause:
 * <ul>
 * <li><b>a lost connection</b>: w = 3 s, so a gateway whose hub blinked is back within 1 to 3 s;
 * <li><b>the hub throttles</b> (CONNACK 3, server unavailable, which is IoT Hub's answer to connects beyond its
 * hub-wide rate): w = min(5 min, max(min(30 s, 10 s x 2^(n-1)), T / 4)), n = failures since connected, T = time
 * since the connection was lost (or since the first failure, when there was no connection);
 * <li><b>the hub is not there</b> (a refused TCP connect, a connection closed before CONNACK): the same, with the
 * floor doubling from 2 s: min(30 s, 2 s x 2^(n-1));
 * <li><b>any other failure</b> (CONNACK 5, TLS trust, a timeout, a transport Kura must change first): w = min(5 min,
 * 5 s x 2^(n-1)), the classic doubling.
 * </ul>
 *
 * <p>Why: a hub restart or failover drops every gateway of a fleet at once, and the hub then admits new connections
 * at a hub-wide rate R (S1: 100/s at least). Without jitter the fleet comes back in the same instant after each
 * doubling and only R succeed per round: about 8 h for 10,000 gateways (bench section 9). A gateway cannot know the
 * fleet's size N, nor N / R, the time the backlog needs; the time it has been throttled is its estimate (as for DPS's
 * 429, {@link RetryDelays#wideningWindow}). A window of a quarter of that time brings the last gateways back within
 * about a quarter more than N / R once the hub has worked through the backlog; a narrower one costs more attempts, a
 * wider one more time. Until that window is wide enough, the throttled window doubles from 10 s to 30 s with the
 * failures: a small fleet (1,000 gateways: N / R = 10 s) is back after one spread of 10 s, and a large one does not
 * spend its attempts in windows of a few seconds. A refused connect costs the hub nothing (no TLS, no
 * authentication) and means it is restarting or failing over, which takes seconds: its floor starts lower, so a
 * gateway is back soon after its hub, and CONNACK 3 takes over once the hub answers. Spreading over two thirds of
 * the window rather than half (equal jitter) keeps gateways that failed together from coming back in waves.
 * Measured in simulated time with this class (bench section 9): 10,000 gateways at 100/s all back within about
 * 1.2 x N / R with about 4.4 attempts each. Other failures are the gateway's own (a refused device, an untrusted
 * certificate), with nobody queued behind it: the doubling of before, now spread.
 *
 * <p>Not thread-safe: the hub link calls it from its one thread. Public for the benchmark, which drives a simulated
 * fleet with this very class.
 */
public final class ReconnectBackoff {

    /** The window of the first attempt after a lost connection. */
    private static final Duration AFTER_LOSS = Duration.ofSeconds(3);
    /** Throttled: the window's floor doubles from the first to the second with the failures... */
    private static final RetryDelays THROTTLED_FLOOR = RetryDelays.doubling(Duration.ofSeconds(10),
            Duration.ofSeconds(30));
    /** ...from lower when the hub is not there, to the same 30 s... */
    private static final RetryDelays REFUSED_FLOOR = RetryDelays.doubling(Duration.ofSeconds(2),
            Duration.ofSeconds(30));
    /** ...and the window widens to this share of the time disconnected: a quarter. */
    private static final int DISCONNECTED_DIVISOR = 4;
    /** Any other failure; its maximum bounds the throttled window too. */
    private static final RetryDelays FAILURES = RetryDelays.doubling(Duration.ofSeconds(5), Duration.ofMinutes(5));
    /** Every wait is at least a third of its window. */
    private static final int SPREAD_FLOOR_DIVISOR = 3;

    private final DoubleSupplier jitter;
    private int failures;
    private Instant disconnectedSince;

    /** @param jitter uniform in [0, 1) at each call; a seeded source makes a run repeatable */
    public ReconnectBackoff(DoubleSupplier jitter) {
        this.jitter = jitter;
    }

    /** The connection this link made was lost at {@code now}: the wait before the first attempt. */
    public Duration lost(Instant now) {
        failures = 0;
        disconnectedSince = now;
        return spread(AFTER_LOSS);
    }

    /** An attempt failed because the hub throttles connects: CONNACK 3. */
    public Duration throttled(Instant now) {
        return widening(THROTTLED_FLOOR, now);
    }

    /** An attempt failed because the hub is not there: the connect was refused, or closed before CONNACK. */
    public Duration refused(Instant now) {
        return widening(REFUSED_FLOOR, now);
    }

    /** An attempt failed for a reason of this gateway's own. */
    public Duration failed(Instant now) {
        countFailure(now);
        return spread(FAILURES.backoffCap(failures));
    }

    /** The link is connected: the next loss starts afresh. */
    public void connected() {
        failures = 0;
        disconnectedSince = null;
    }

    private void countFailure(Instant now) {
        failures++;
        if (disconnectedSince == null) {
            disconnectedSince = now;
        }
    }

    private Duration widening(RetryDelays floor, Instant now) {
        countFailure(now);
        Duration disconnected = Duration.between(disconnectedSince, now);
        return spread(FAILURES.wideningWindow(floor.backoffCap(failures), disconnected, DISCONNECTED_DIVISOR));
    }

    private Duration spread(Duration window) {
        return RetryDelays.spread(window, SPREAD_FLOOR_DIVISOR, jitter.getAsDouble());
    }
}
