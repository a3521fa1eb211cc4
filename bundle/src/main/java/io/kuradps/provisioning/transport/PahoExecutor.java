package io.kuradps.provisioning.transport;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The executor one Paho client runs on, owned by us so that its threads end with the connection.
 *
 * <p>It also guards a Paho 1.2.5 flaw: after the network handshake, Paho's connect task starts the receiver,
 * sender and callback tasks one by one and busy-waits, ignoring interrupts, until each reports running. If the
 * connection is shut down inside that window the task spins forever. {@link #settleConnect(long)} closes the window
 * before a shutdown: a connect task that has not reached it yet is refused the start of those tasks (and fails), one
 * inside it is waited for. Paho's classes are recognised by name; the Paho version is pinned and embedded.
 */
final class PahoExecutor extends ScheduledThreadPoolExecutor {

    private static final String PAHO_INTERNAL = "org.eclipse.paho.client.mqttv3.internal.";
    private static final String CONNECT_TASK = PAHO_INTERNAL + "ClientComms$ConnectBG";

    private int connectTasks;
    private boolean threadsStarting;
    private boolean refuseThreadStarts;

    PahoExecutor(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory);
        // Cancelled keep-alive pings must not hold the executor open after shutdown().
        setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable command) {
        if (!command.getClass().getName().equals(CONNECT_TASK)) {
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
                    threadsStarting = false;
                    notifyAll();
                }
            }
        });
    }

    @Override
    public Future<?> submit(Runnable task) {
        if (isStartupTask(task)) {
            synchronized (this) {
                if (refuseThreadStarts) {
                    // Thrown before Paho's wait loop, so the connect task fails instead of spinning.
                    throw new RejectedExecutionException("connection is being closed");
                }
                if (connectTasks > 0) {
                    threadsStarting = true;
                }
            }
        }
        return super.submit(task);
    }

    /**
     * Prepares a shutdown while a connect may be under way: refuses any further start of Paho's tasks and waits, at
     * most {@code millis}, for a connect task that is already starting them to finish.
     *
     * @return true when no connect task is left inside Paho's start-up window
     */
    synchronized boolean settleConnect(long millis) throws InterruptedException {
        refuseThreadStarts = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (connectTasks > 0 && threadsStarting) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private static boolean isStartupTask(Runnable task) {
        String name = task.getClass().getName();
        return name.equals(PAHO_INTERNAL + "CommsReceiver") || name.equals(PAHO_INTERNAL + "CommsSender")
                || name.equals(PAHO_INTERNAL + "CommsCallback");
    }
}
