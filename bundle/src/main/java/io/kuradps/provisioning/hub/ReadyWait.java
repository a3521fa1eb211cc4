package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's configuration READY ({@code org/eclipse/kura/configuration/ConfigEvent/READY}): until then Kura's
 * ConfigurationService may not track the transport yet and drops an update to it without error. Kura's web console
 * posts it once, when it starts, and a Kura without web UI never does; nor does a hub link that starts after it hear
 * it. So the wait is bounded, counted from the hub link's start: once READY was seen or the bound passed, nothing
 * waits any more, and the read-back after each write tells whether Kura took the values. Thread-safe.
 */
final class ReadyWait {

    /** How long after its start the hub link waits for READY at most; the read-back follows either way. */
    static final Duration BOUND = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ReadyWait.class);

    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicBoolean gaveUp = new AtomicBoolean();
    private final long deadlineNanos;
    private final Duration bound;

    /** @param bound from now; {@link #BOUND} in the component */
    ReadyWait(Duration bound) {
        this.bound = bound;
        this.deadlineNanos = System.nanoTime() + bound.toNanos();
    }

    /** Kura posted READY. */
    void ready() {
        ready.countDown();
    }

    boolean seen() {
        return ready.getCount() == 0;
    }

    /** Returns at once when READY was seen or the bound has passed, else when either happens. */
    void await() throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        boolean seen = ready.await(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (!seen && gaveUp.compareAndSet(false, true)) {
            LOG.info("Kura posted no configuration READY within {} s of the hub link's start (a Kura without web UI, "
                    + "or READY came before this bundle started); going on, the read-back shows whether Kura took the "
                    + "transport's values", bound.getSeconds());
        }
    }
}
