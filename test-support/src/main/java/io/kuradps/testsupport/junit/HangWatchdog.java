package io.kuradps.testsupport.junit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.runner.Description;
import org.junit.runner.Result;
import org.junit.runner.notification.RunListener;

/**
 * Bounds each JUnit 4 test, and each stretch between two (a framework's boot, a class's set-up), in the JVM failsafe
 * forked: when one outlives {@value #TIMEOUT_PROPERTY} seconds, it writes what was running and every thread's stack
 * to the JVM's own standard error and halts the JVM, so failsafe fails the build instead of waiting for ever.
 *
 * <p>Why a listener: JUnit 4 has no default timeout, and failsafe's {@code forkedProcessTimeoutInSeconds} does not
 * end a fork whose test ignores interrupts (measured with surefire 3.5.2 and 3.5.4 on a test blocked in a socket
 * read: the fork ran on; SUREFIRE-1722).
 */
public final class HangWatchdog extends RunListener {

    /** The bound, in seconds; set by the parent pom from its {@code test.timeout.seconds}. 0 or absent: no bound. */
    public static final String TIMEOUT_PROPERTY = "kuradps.test.timeout.seconds";
    /** Exit status of a halted JVM (failsafe reports the fork as ended without saying goodbye). */
    private static final int HALTED = 124;

    private final long timeoutSeconds = Long.getLong(TIMEOUT_PROPERTY, 0);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "test-hang-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> armed;

    @Override
    public void testRunStarted(Description description) {
        arm("the start of " + description.getDisplayName());
    }

    @Override
    public void testStarted(Description description) {
        arm(description.getDisplayName());
    }

    @Override
    public void testFinished(Description description) {
        arm("what follows " + description.getDisplayName());
    }

    @Override
    public void testRunFinished(Result result) {
        arm(null);
    }

    /** Replaces the running countdown with one for {@code what}; none when {@code what} is null. */
    private synchronized void arm(String what) {
        if (armed != null) {
            armed.cancel(false);
            armed = null;
        }
        if (what != null && timeoutSeconds > 0) {
            armed = timer.schedule(() -> halt(what), timeoutSeconds, TimeUnit.SECONDS);
        }
    }

    private void halt(String what) {
        // Straight to the file descriptor: a halt leaves no time for the test output's buffers to be flushed.
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        err.println("HANG: " + what + " still runs after " + timeoutSeconds + " s (" + TIMEOUT_PROPERTY
                + "); halting the test JVM. Threads:");
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            err.println("\"" + thread.getKey().getName() + "\" " + thread.getKey().getState());
            for (StackTraceElement frame : thread.getValue()) {
                err.println("\tat " + frame);
            }
        }
        err.flush();
        Runtime.getRuntime().halt(HALTED);
    }
}
