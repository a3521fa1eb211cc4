package io.kuradps.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;

/**
 * A simulated gateway with another policy ({@link FleetPolicy}): connect, subscribe, register, poll, and the
 * policy's waits; the same packets as {@link SimulatedFlowGateway}, only the waiting and giving up differ.
 */
final class SimulatedPolicyGateway implements FleetSimulation.Gateway {

    private final int index;
    private final FleetSimulation simulation;
    private final FleetPolicy policy;
    private final Random random;
    private final ComponentRestarts restarts;
    private Instant runDeadline;
    private int throttledInARow;
    private long timerCounter;
    private boolean pollNext;

    SimulatedPolicyGateway(int index, FleetSimulation simulation, FleetPolicy policy) {
        this.index = index;
        this.simulation = simulation;
        this.policy = policy;
        this.random = new Random(simulation.model().seed() * 31 + index);
        this.restarts = new ComponentRestarts(random);
    }

    @Override
    public void start() {
        throttledInARow = 0;
        runDeadline = policy.runDeadline().map(now()::plus).orElse(Instant.MAX);
        simulation.connect(index);
    }

    @Override
    public void restart() {
        start();
    }

    @Override
    public void connAck() {
        simulation.subscribe(index);
    }

    @Override
    public void subAck() {
        simulation.register(index);
    }

    @Override
    public void registerAnswer(int status, int retryAfterSeconds) {
        if (status == 202) {
            throttledInARow = 0;
            later(policy.pollDelay(Optional.of(Duration.ofSeconds(retryAfterSeconds))), true);
            return;
        }
        Optional<Duration> delay = policy.throttledDelay(++throttledInARow, Duration.ofSeconds(retryAfterSeconds),
                random);
        if (delay.isEmpty()) {
            simulation.disconnect(index);
            simulation.gaveUp(index, "THROTTLED (no retry on 429)");
        } else if (!now().plus(delay.get()).isBefore(runDeadline)) {
            simulation.disconnect(index);
            simulation.retrying("fresh run after DEADLINE_EXCEEDED");
            simulation.restartAt(index, now().plus(restarts.nextPause()));
        } else {
            simulation.retrying("THROTTLED");
            later(delay.get(), false);
        }
    }

    @Override
    public void pollAnswer() {
        simulation.disconnect(index);
        simulation.assigned(index);
    }

    @Override
    public void timer(long timerId) {
        if (pollNext) {
            simulation.poll(index);
        } else {
            simulation.register(index);
        }
    }

    private void later(Duration delay, boolean poll) {
        pollNext = poll;
        simulation.timer(index, ++timerCounter, now().plus(delay));
    }

    private Instant now() {
        return simulation.clock().instant();
    }
}
