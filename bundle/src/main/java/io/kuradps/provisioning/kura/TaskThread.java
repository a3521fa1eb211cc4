package io.kuradps.provisioning.kura;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * One named daemon thread of a component, for its tasks now and after a delay, so that Kura's and the framework's
 * callbacks only hand work over and return. A task that throws is logged, not lost with the thread. Once stopped,
 * tasks handed over are dropped (the callbacks of a component going away) and nothing delayed runs later. Thread-safe.
 */
public final class TaskThread {

    private final ScheduledThreadPoolExecutor executor;
    private final Logger log;

    /** @param log where a failed task is reported, the component's */
    public TaskThread(String name, Logger log) {
        this.log = log;
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs the task on the thread, after those handed over before; dropped once stopped. */
    public void execute(Runnable task) {
        try {
            executor.execute(() -> run(task));
        } catch (RejectedExecutionException stopping) {
            log.debug("Stopping; a task was dropped");
        }
    }

    /** Runs the task on the thread after the delay; the returned action cancels it (harmless once it ran). */
    public Runnable schedule(Runnable task, Duration delay) {
        try {
            ScheduledFuture<?> future = executor.schedule(() -> run(task), delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException stopping) {
            return () -> { };
        }
    }

    /**
     * Interrupts the task running (a bounded wait it sits in) and waits for the thread to end.
     *
     * @return false when it did not end within the timeout
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        executor.shutdownNow();
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("A task failed", e);
        }
    }
}
