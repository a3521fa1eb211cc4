package io.kuradps.feature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Finds threads that belong to the provisioning bundle or its embedded Paho client. */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits, at most {@code timeout}, for every such thread to end, and returns those still alive. Joining is the
     * bounded wait: it returns as soon as the thread ends.
     */
    public static List<String> survivorsAfter(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : ours()) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining > 0) {
                thread.join(remaining);
            }
        }
        List<String> survivors = new ArrayList<>();
        for (Thread thread : ours()) {
            survivors.add(thread.getName());
        }
        return survivors;
    }

    private static List<Thread> ours() {
        List<Thread> found = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && (namedOurs(thread) || runsOurCode(thread))) {
                found.add(thread);
            }
        }
        return found;
    }

    private static boolean namedOurs(Thread thread) {
        String name = thread.getName().toLowerCase(Locale.ROOT);
        // Paho names its threads "MQTT Call/Rec/Snd/Ping/Con: <client id>"; the bundle's start with "kura-dps-".
        // The simulator's threads, alive in the same JVM, match neither.
        return name.startsWith("mqtt ") || name.startsWith("kura-dps-");
    }

    private static boolean runsOurCode(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> frame.getClassName().startsWith("io.kuradps.provisioning.")
                || frame.getClassName().startsWith("org.eclipse.paho."));
    }
}
