package io.kuradps.provisioning.component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import io.kuradps.provisioning.protocol.FakeClock;

/**
 * The worker's thread as in the component (one real thread, so cancelling interrupts a run as it would), but a
 * delayed task waits for the test to move the fake clock past it instead of for a timer. Delays are recorded.
 */
final class FakeClockScheduler implements ProvisioningWorker.Scheduler {

    private static final class Delayed {
        final Instant due;
        final FutureTask<?> task;

        Delayed(Instant due, FutureTask<?> task) {
            this.due = due;
            this.task = task;
        }
    }

    private final FakeClock clock;
    private final ExecutorService thread;
    private final List<Delayed> delayed = new ArrayList<>();
    /** Every delay asked for, in order. */
    final List<Duration> delays = new CopyOnWriteArrayList<>();

    FakeClockScheduler(FakeClock clock) {
        this.clock = clock;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread worker = new Thread(task, "kura-dps-provisioner-test");
            worker.setDaemon(true);
            return worker;
        });
    }

    @Override
    public Future<?> submit(Runnable task) {
        return thread.submit(task);
    }

    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
        delays.add(delay);
        FutureTask<?> future = new FutureTask<>(task, null);
        synchronized (delayed) {
            delayed.add(new Delayed(clock.instant().plus(delay), future));
        }
        runDue();
        return future;
    }

    /** Moves the clock on and hands every task that is then due to the thread, the earliest first. */
    void advance(Duration by) {
        clock.advance(by);
        runDue();
    }

    /** Delayed tasks neither run nor cancelled yet. */
    int pending() {
        synchronized (delayed) {
            return (int) delayed.stream().filter(d -> !d.task.isCancelled()).count();
        }
    }

    @Override
    public boolean shutdown(Duration timeout) throws InterruptedException {
        synchronized (delayed) {
            delayed.forEach(d -> d.task.cancel(false));
            delayed.clear();
        }
        thread.shutdownNow();
        return thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runDue() {
        List<Delayed> due = new ArrayList<>();
        synchronized (delayed) {
            Instant now = clock.instant();
            delayed.removeIf(d -> d.task.isCancelled());
            for (Delayed d : delayed) {
                if (!d.due.isAfter(now)) {
                    due.add(d);
                }
            }
            delayed.removeAll(due);
        }
        due.sort(Comparator.comparing(d -> d.due));
        due.forEach(d -> thread.execute(d.task));
    }
}
