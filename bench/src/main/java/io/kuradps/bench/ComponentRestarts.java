package io.kuradps.bench;

import io.kuradps.provisioning.protocol.RetryDelays;
import java.time.Duration;
import java.util.Random;

/**
 * The pause the component takes between a failed run and a fresh one (a run that hits {@code deadline.seconds} ends
 * with a retryable failure): 60 s doubling per failed run up to {@code retry.pause.max.seconds} (3600 s), with
 * equal jitter, by the bundle's own {@link RetryDelays} as {@code ProvisioningWorker} computes it. The scheduling
 * around it is modelled (the component's runs on a thread), with the defaults of the component's configuration.
 */
final class ComponentRestarts {

    private static final RetryDelays PAUSES = RetryDelays.doubling(Duration.ofSeconds(60), Duration.ofSeconds(3600));

    private final Random random;
    private int failedRuns;

    ComponentRestarts(Random random) {
        this.random = random;
    }

    Duration nextPause() {
        return PAUSES.equalJitter(++failedRuns, random.nextDouble());
    }
}
