package io.kuradps.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 3 (in-process part): threads alive before, during and after one registration, and heap retained
 * per registration, for each client. Threads of the simulator (Netty event loops) and of the bench itself
 * (relay threads, sampler) are not counted: only what the client adds to its host.
 */
final class FootprintBench {

    record Threads(String client, int before, int peakDuring, int rightAfter, int settled, long settleMillis,
            List<String> lingering) {
    }

    /** Used heap after full GCs, before and after each step of registrations. */
    record Heap(String client, int registrationsPerStep, List<Long> usedBytes, List<String> failures) {
        /** Growth per registration from the end of the first step to the end of the last. */
        double slopeBytesPerRegistration() {
            return (usedBytes.get(usedBytes.size() - 1) - usedBytes.get(1))
                    / (double) (registrationsPerStep * (usedBytes.size() - 2));
        }
    }

    private static final long SETTLE_LIMIT_MILLIS = 10_000;
    private static final int HEAP_WARM_UP = 3;
    private static final int HEAP_STEP = 10;
    private static final int HEAP_STEPS = 3;

    private final BenchDps dps;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    FootprintBench(BenchDps dps) {
        this.dps = dps;
    }

    Threads threads(Registrar registrar, String registrationId) throws Exception {
        settle();
        List<String> baseline = clientThreads();
        AtomicInteger peak = new AtomicInteger(baseline.size());
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(clientThreads().size(), Math::max);
                LockSupport.parkNanos(1_000_000);
            }
        }, "bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            registrar.register(registrationId, BenchDps.deviceKey(registrationId));
        } finally {
            sampling.set(false);
            sampler.join();
        }
        int rightAfter = clientThreads().size();
        peak.accumulateAndGet(rightAfter, Math::max);
        long start = System.nanoTime();
        List<String> now = clientThreads();
        while (now.size() > baseline.size() && (System.nanoTime() - start) / 1_000_000 < SETTLE_LIMIT_MILLIS) {
            LockSupport.parkNanos(5_000_000);
            now = clientThreads();
        }
        long settle = (System.nanoTime() - start) / 1_000_000;
        List<String> lingering = new ArrayList<>(now);
        baseline.forEach(lingering::remove);
        return new Threads(registrar.name(), baseline.size(), peak.get(), rightAfter, now.size(), settle, lingering);
    }

    /** Waits, at most the settle limit, until no client thread has ended for half a second. */
    private void settle() {
        long start = System.nanoTime();
        int count = clientThreads().size();
        long stableSince = System.nanoTime();
        while ((System.nanoTime() - stableSince) < 500_000_000L
                && (System.nanoTime() - start) / 1_000_000 < SETTLE_LIMIT_MILLIS) {
            LockSupport.parkNanos(20_000_000);
            int now = clientThreads().size();
            if (now != count) {
                count = now;
                stableSince = System.nanoTime();
            }
        }
    }

    /**
     * Used heap after full GCs, measured every {@value #HEAP_STEP} registrations with one registration id (so
     * that a server's per-device state could not grow), after a few warm-up registrations.
     */
    Heap heap(Registrar registrar, String registrationId) throws Exception {
        String key = BenchDps.deviceKey(registrationId);
        for (int i = 0; i < HEAP_WARM_UP; i++) {
            registrar.register(registrationId, key);
        }
        List<Long> used = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        used.add(usedAfterGc());
        for (int step = 0; step < HEAP_STEPS; step++) {
            for (int i = 0; i < HEAP_STEP; i++) {
                try {
                    registrar.register(registrationId, key);
                } catch (Exception e) {
                    // The SDK now and then times out; the heap is still measured, the failure reported.
                    failures.add(e.toString());
                }
            }
            dps.relay.awaitIdle(5000);
            used.add(usedAfterGc());
        }
        return new Heap(registrar.name(), HEAP_STEP, used, failures);
    }

    private long usedAfterGc() {
        if (dps.simulator != null) {
            dps.simulator.counters().reset();
        }
        for (int i = 0; i < 3; i++) {
            memory.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Names of live threads that belong to neither the simulator nor the bench. */
    private List<String> clientThreads() {
        List<String> names = new ArrayList<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (!name.startsWith("bench-") && !name.startsWith("nioEventLoopGroup")
                    && !name.startsWith("globalEventExecutor")) {
                names.add(name);
            }
        }
        return names;
    }
}
