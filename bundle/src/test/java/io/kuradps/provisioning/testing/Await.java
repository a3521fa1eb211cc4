package io.kuradps.provisioning.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The one bounded wait of the bundle's tests: it returns once the condition holds and fails the test if it never does. */
public final class Await {

    /** Long enough for a loaded build machine; a passing test waits only as long as the condition takes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT_TIMEOUT);
    }

    /** @throws AssertionError naming {@code what} when {@code condition} is still false after {@code timeout} */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.getSeconds() + " s waiting for " + what);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted while waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
