package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.testing.Await;

class ReadyWaitTest {

    @Test
    void onceTheBoundHasPassedNothingWaitsAndReadyWasNotSeen() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ZERO);

        wait.await();
        wait.await();

        assertThat(wait.seen()).isFalse();
    }

    @Test
    void readySeenBeforeReturnsAtOnce() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ofDays(1));
        wait.ready();

        wait.await();

        assertThat(wait.seen()).isTrue();
    }

    @Test
    void readyCutsAWaitInProgressShort() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ofDays(1));
        Thread waiting = new Thread(() -> {
            try {
                wait.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "waiting for READY");
        waiting.start();
        // Parked in the wait (its only blocking call) before READY comes, so it is READY that ends it, not the bound.
        Await.until("the wait in progress", () -> waiting.getState() == Thread.State.TIMED_WAITING);

        wait.ready();

        waiting.join(Await.DEFAULT_TIMEOUT.toMillis());
        assertThat(waiting.isAlive()).as("still waiting after READY").isFalse();
        assertThat(wait.seen()).isTrue();
    }
}
