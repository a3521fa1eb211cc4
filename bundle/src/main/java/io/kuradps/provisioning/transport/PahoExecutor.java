package io.kuradps.provisioning.transport;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.internal.CommsCallback;
import org.eclipse.paho.client.mqttv3.internal.CommsReceiver;
import org.eclipse.paho.client.mqttv3.internal.CommsSender;

/**
 * The executor one Paho client runs on, owned by us so that its threads end with the connection.
 *
 * <p>It also guards a Paho 1.2.5 flaw: after the network handshake, Paho's connect task starts the receiver,
 * sender and callback tasks one by one and busy-waits, ignoring interrupts, until each reports running. If the
 * connection is shut down inside that window the task spins forever. {@link #settleConnect(long)} closes the window
 * before a shutdown: a connect task that has not reached it yet is refused the start of those tasks (and fails), one
 * inside it is waited for. The Paho version is pinned and embedded: these are its internal classes.
 *
 * <p>And a cost of that start-up: after handing each of the three tasks to the executor, Paho checks once whether it
 * is running and, as it never is that soon, sleeps 100 ms before looking again (it submits while holding the lock
 * the task needs to report running, so the submit cannot simply wait for it). Three such sleeps were 300 ms of every
 * connection, a third of a second above the floor of a registration (bench/RESULTS.md, where the time goes). Here
 * each start is followed by a nudge: once the task reports running, a connect thread asleep in that loop is
 * interrupted, which Paho's loop swallows before it looks again and goes on. A nudge that comes too late finds the
 * connect task gone or moved on and does nothing; an interrupt that outlives the connect task is cleared by the pool
 * before the thread's next task.
 */
final class PahoExecutor extends ScheduledThreadPoolExecutor {

    private static final String PAHO_INTERNAL = "org.eclipse.paho.client.mqttv3.internal.";
    private static final String CONNECT_TASK = PAHO_INTERNAL + "ClientComms$ConnectBG";

    /** No longer than Paho's own sleep: a task that does not start in that time is Paho's to wait for. */
    private static final long NUDGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long NUDGE_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private int connectTasks;
    /** The thread running Paho's connect task, while it does. */
    private Thread connectThread;
    /** Counts the starts of Paho's tasks, so that a nudge knows when Paho has moved on to the next. */
    private int starts;
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
            synchronized (this) {
                connectThread = Thread.currentThread();
            }
            try {
                command.run();
            } finally {
                synchronized (this) {
                    connectThread = null;
                    connectTasks--;
                    threadsStarting = false;
                    notifyAll();
                }
            }
        });
    }

    @Override
    public Future<?> submit(Runnable task) {
        boolean startup = isStartupTask(task);
        int start = 0;
        Thread connect = null;
        if (startup) {
            synchronized (this) {
                if (refuseThreadStarts) {
                    // Thrown before Paho's wait loop, so the connect task fails instead of spinning.
                    throw new RejectedExecutionException("connection is being closed");
                }
                if (connectTasks > 0) {
                    threadsStarting = true;
                }
                start = ++starts;
                connect = connectThread;
            }
        }
        Future<?> started = super.submit(task);
        if (connect == Thread.currentThread()) {
            int thisStart = start;
            Thread sleeper = connect;
            try {
                super.execute(() -> nudge(task, started, sleeper, thisStart));
            } catch (RejectedExecutionException e) {
                // Shutting down: Paho's own wait applies.
            }
        }
        return started;
    }

    /** Wakes the connect thread from Paho's 100 ms sleep once {@code task} runs, if it is still in that sleep. */
    private void nudge(Runnable task, Future<?> started, Thread sleeper, int start) {
        long deadline = System.nanoTime() + NUDGE_NANOS;
        while (deadline - System.nanoTime() > 0 && !started.isDone()) {
            if (isRunning(task)) {
                synchronized (this) {
                    if (connectThread != sleeper || starts != start) {
                        return;
                    }
                    if (sleeper.getState() == Thread.State.TIMED_WAITING) {
                        sleeper.interrupt();
                        return;
                    }
                }
            }
            LockSupport.parkNanos(NUDGE_POLL_NANOS);
        }
    }

    private static boolean isRunning(Runnable task) {
        if (task instanceof CommsReceiver) {
            return ((CommsReceiver) task).isRunning();
        }
        if (task instanceof CommsSender) {
            return ((CommsSender) task).isRunning();
        }
        return task instanceof CommsCallback && ((CommsCallback) task).isRunning();
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
        return task instanceof CommsReceiver || task instanceof CommsSender || task instanceof CommsCallback;
    }
}
