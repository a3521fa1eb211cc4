package io.kuradps.provisioning.kura;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TaskThreadTest {

    private final TaskThread thread = new TaskThread("task-thread-test", LoggerFactory.getLogger(getClass()));
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void tasksRunInOrderOnTheNamedThreadAndAFailingOneDoesNotStopTheNext() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        thread.execute(() -> ran.add(Thread.currentThread().getName()));
        thread.execute(() -> {
            throw new IllegalStateException("a task that fails");
        });
        thread.execute(() -> {
            ran.add("after the failure");
            done.countDown();
        });

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("task-thread-test", "after the failure");
        assertThat(thread.stop(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aCancelledTaskNeverRuns() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        thread.execute(() -> await(busy));
        Runnable cancel = thread.schedule(() -> ran.add("cancelled"), Duration.ZERO);
        cancel.run();
        busy.countDown();
        thread.execute(done::countDown);

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEmpty();
    }

    @Test
    void onceStoppedNothingRunsNotEvenWhatWasDelayed() throws Exception {
        thread.schedule(() -> ran.add("delayed past the stop"), Duration.ofDays(1));

        assertThat(thread.stop(Duration.ofSeconds(10))).isTrue();
        thread.execute(() -> ran.add("after the stop"));
        thread.schedule(() -> ran.add("scheduled after the stop"), Duration.ZERO).run();

        assertThat(ran).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
