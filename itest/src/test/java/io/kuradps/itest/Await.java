package io.kuradps.itest;

import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait on a condition that offers no notification of its own (the simulator's counters, the set of
 * live threads). Checks every 20 ms and fails with the description when the timeout passes.
 */
public final class Await {

    private static final long CHECK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private Await() {
    }

    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            fail("timed out after " + timeout + " waiting until " + description);
        }
    }

    /** Whether the condition held within the timeout; the caller reports what is still missing. */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(CHECK_EVERY_NANOS);
        }
        return true;
    }
}
