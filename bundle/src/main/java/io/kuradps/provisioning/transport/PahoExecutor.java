package io.kuradps.provisioning.transport;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The executor one Paho client runs on, owned by us so that its threads end with the connection. It also knows
 * whether Paho's connect task is still running: in Paho 1.2.5 that task busy-waits, ignoring interrupts, until its
 * receiver, sender and callback tasks report running, and if the connection is shut down inside that window it
 * spins forever. Closing therefore waits for the connect task first (see {@link MqttFlowRunner}).
 */
final class PahoExecutor extends ScheduledThreadPoolExecutor {

    /** Paho's connect task, ClientComms$ConnectBG, is recognised by name; the Paho version is pinned and embedded. */
    private static final String CONNECT_TASK_SUFFIX = "$ConnectBG";

    private int connectTasks;

    PahoExecutor(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory);
        // Cancelled keep-alive pings must not hold the executor open after shutdown().
        setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable command) {
        if (!command.getClass().getName().endsWith(CONNECT_TASK_SUFFIX)) {
            super.execute(command);
            return;
        }
        synchronized (this) {
            connectTasks++;
        }
        super.execute(() -> {
            try {
                command.run();
            } finally {
                synchronized (this) {
                    connectTasks--;
                    notifyAll();
                }
            }
        });
    }

    /** Waits, at most {@code millis}, until no connect task is queued or running; true when none is. */
    synchronized boolean awaitConnectTask(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (connectTasks > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
