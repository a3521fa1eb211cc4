package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

/** The leak check the .dp tests rely on finds a thread of ours and lets it go once it ends. */
public class ThreadsIT {

    @Test
    public void reportsALiveThreadOfOursUntilItEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kura-dps-provisioner");
        worker.start();

        assertThat(Threads.survivorsAfter(100, TimeUnit.MILLISECONDS)).containsExactly("kura-dps-provisioner");

        release.countDown();
        assertThat(Threads.survivorsAfter(10, TimeUnit.SECONDS)).isEmpty();
    }
}
