package io.kuradps.bench;

import io.kuradps.simulator.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A hub outage in simulated time: N gateways lose their connection to one IoT hub at t = 0 (a restart or a failover
 * drops them all in the same instant, the worst case) and each comes back under its {@link ReconnectPolicy}. The hub
 * refuses every connection until {@code hubBackAfter} (nothing accepts the TCP connect) and then admits connects
 * through the simulator's own {@link TokenBucket} at R per second with one second's worth of burst, starting full;
 * the excess is answered with CONNACK 3, server unavailable, as IoT Hub answers connects beyond its rate. A connect
 * (TCP, TLS, CONNECT, CONNACK) takes a constant {@link #CONNECT_TIME}; the hub decides when CONNECT arrives. One
 * thread, one queue of attempts ordered by simulated time. Single use.
 */
final class HubReconnectSimulation {

    /** TCP, TLS and MQTT CONNECT up to CONNACK, as section 7's connection set-up. */
    static final Duration CONNECT_TIME = Duration.ofMillis(10);
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /** What is simulated. */
    record Model(int gateways, double rate, Duration hubBackAfter, long seed) {

        /** The fleet of the issue: the hub admits again at once, at {@code rate} connects per second. */
        static Model fleet(int gateways, double rate) {
            return new Model(gateways, rate, Duration.ZERO, HubReconnectBench.SEED);
        }

        double floorSeconds() {
            return gateways / rate;
        }
    }

    /**
     * What one run gave.
     *
     * @param reconnectedSeconds when each gateway that came back had its CONNACK, ascending
     * @param attempts connect attempts per gateway, the successful one included
     */
    record Result(Model model, ReconnectPolicy policy, double[] reconnectedSeconds, int[] attempts) {

        boolean allReconnected() {
            return reconnectedSeconds.length == model.gateways();
        }

        /** Time until every gateway was back; NaN when some were not within the horizon. */
        double makespanSeconds() {
            return allReconnected() && reconnectedSeconds.length > 0
                    ? reconnectedSeconds[reconnectedSeconds.length - 1] : Double.NaN;
        }

        double medianSeconds() {
            return reconnectedSeconds.length == 0 ? Double.NaN : Stats.percentile(reconnectedSeconds, 50);
        }

        double attemptsPerGateway() {
            return (double) Arrays.stream(attempts).asLongStream().sum() / model.gateways();
        }

        int maxAttempts() {
            return Arrays.stream(attempts).max().orElse(0);
        }
    }

    private record Attempt(long at, long sequence, int gateway) {
    }

    private final Model model;
    private final ReconnectPolicy policy;
    private final SimulatedClock hubClock = new SimulatedClock(EPOCH);
    private final TokenBucket bucket;
    private final PriorityQueue<Attempt> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.sequence, b.sequence));
    private final ReconnectPolicy.Gateway[] gateways;
    private final int[] attempts;
    private final double[] reconnectedAt;
    private long sequence;

    HubReconnectSimulation(Model model, ReconnectPolicy policy) {
        this.model = model;
        this.policy = policy;
        this.bucket = new TokenBucket(model.rate(), hubClock);
        this.gateways = new ReconnectPolicy.Gateway[model.gateways()];
        this.attempts = new int[model.gateways()];
        this.reconnectedAt = new double[model.gateways()];
        Arrays.fill(reconnectedAt, Double.NaN);
        Random random = new Random(model.seed());
        for (int i = 0; i < gateways.length; i++) {
            gateways[i] = policy.gateway(random);
            push(nanos(gateways[i].lost(EPOCH)), i);
        }
    }

    /** Runs until every gateway is back, or until {@code horizon} of simulated time. */
    Result run(Duration horizon) {
        long end = horizon.toNanos();
        long hubBack = model.hubBackAfter().toNanos();
        long connect = CONNECT_TIME.toNanos();
        while (!queue.isEmpty()) {
            Attempt attempt = queue.poll();
            if (attempt.at > end) {
                break;
            }
            int gateway = attempt.gateway;
            attempts[gateway]++;
            long answered = attempt.at + connect;
            hubClock.set(EPOCH.plusNanos(answered));
            Instant now = EPOCH.plusNanos(answered);
            if (answered < hubBack) {
                push(answered + nanos(gateways[gateway].refused(now)), gateway);
            } else if (bucket.tryAcquire() > 0) {
                push(answered + nanos(gateways[gateway].throttled(now)), gateway);
            } else {
                reconnectedAt[gateway] = answered / 1e9;
            }
        }
        double[] reconnected = Arrays.stream(reconnectedAt).filter(at -> !Double.isNaN(at)).sorted().toArray();
        return new Result(model, policy, reconnected, attempts.clone());
    }

    private static long nanos(Duration duration) {
        return duration.toNanos();
    }

    private static long nanos(Instant at) {
        return Duration.between(EPOCH, at).toNanos();
    }

    private void push(long at, int gateway) {
        queue.add(new Attempt(at, sequence++, gateway));
    }
}
