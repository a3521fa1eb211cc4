package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ReadyWaitTest {

    @Test
    void onceTheBoundHasPassedNothingWaitsAndReadyWasNotSeen() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ZERO);

        assertThat(wait.await()).isFalse();
        assertThat(wait.await()).isFalse();
        assertThat(wait.seen()).isFalse();
    }

    @Test
    void readySeenBeforeReturnsAtOnce() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ofDays(1));
        wait.ready();

        assertThat(wait.await()).isTrue();
    }

    @Test
    void readyCutsAWaitInProgressShort() throws Exception {
        ReadyWait wait = new ReadyWait(Duration.ofDays(1));
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return wait.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        wait.ready();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
