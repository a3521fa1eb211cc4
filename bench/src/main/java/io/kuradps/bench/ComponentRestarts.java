package io.kuradps.bench;

import java.time.Duration;
import java.util.Random;

/**
 * The pause the component takes between a failed run and a fresh one (a run that hits {@code deadline.seconds} ends
 * with a retryable failure): 60 s doubling per failed run up to {@code retry.pause.max.seconds} (3600 s), with
 * equal jitter, as {@code Provisioner} schedules it. Modelled, because the component's scheduling runs on threads.
 */
final class ComponentRestarts {

    private static final Duration FIRST_PAUSE = Duration.ofSeconds(60);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(3600);

    private final Random random;
    private int round;

    ComponentRestarts(Random random) {
        this.random = random;
    }

    Duration nextPause() {
        long step = FIRST_PAUSE.toMillis() << Math.min(round++, 20);
        long bounded = Math.min(step, MAX_PAUSE.toMillis());
        long half = bounded / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (bounded - half)));
    }
}
