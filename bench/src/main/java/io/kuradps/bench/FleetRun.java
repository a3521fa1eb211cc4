package io.kuradps.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the gateways of one fleet run report: when each was assigned, or why it gave up. Thread-safe. */
final class FleetRun {

    private final long startNanos;
    private final CountDownLatch finished;
    private final long[] assignedAtNanos;
    private final Map<Integer, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicLong> retryCauses = new ConcurrentHashMap<>();

    FleetRun(int gateways, long startNanos) {
        this.startNanos = startNanos;
        this.finished = new CountDownLatch(gateways);
        this.assignedAtNanos = new long[gateways];
    }

    long startNanos() {
        return startNanos;
    }

    void assigned(int gateway) {
        synchronized (assignedAtNanos) {
            assignedAtNanos[gateway] = System.nanoTime() - startNanos;
        }
        finished.countDown();
    }

    void failed(int gateway, String why) {
        failures.put(gateway, why);
        finished.countDown();
    }

    void retrying(String cause) {
        retries.incrementAndGet();
        retryCauses.computeIfAbsent(cause, c -> new AtomicLong()).incrementAndGet();
    }

    /** How often gateways waited to retry, by cause. */
    Map<String, Long> retryCauses() {
        Map<String, Long> causes = new TreeMap<>();
        retryCauses.forEach((cause, count) -> causes.put(cause, count.get()));
        return causes;
    }

    int assignedCount() {
        int count = 0;
        synchronized (assignedAtNanos) {
            for (long at : assignedAtNanos) {
                if (at > 0) {
                    count++;
                }
            }
        }
        return count;
    }

    boolean await(long timeoutSeconds) throws InterruptedException {
        return finished.await(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Seconds since the fleet's start at which each assigned gateway got its assignment, ascending. */
    List<Double> assignmentSeconds() {
        List<Double> seconds = new ArrayList<>();
        synchronized (assignedAtNanos) {
            for (long at : assignedAtNanos) {
                if (at > 0) {
                    seconds.add(at / 1e9);
                }
            }
        }
        seconds.sort(null);
        return seconds;
    }

    int failedCount() {
        return failures.size();
    }

    /** How many gateways gave up, by reason. */
    Map<String, Integer> failureReasons() {
        Map<String, Integer> reasons = new TreeMap<>();
        failures.values().forEach(reason -> reasons.merge(reason, 1, Integer::sum));
        return reasons;
    }

    long retries() {
        return retries.get();
    }
}
