package io.kuradps.bench;

import io.kuradps.simulator.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * A fleet reboot in simulated time: N gateways against a modelled DPS that passes register requests through the
 * simulator's own {@link TokenBucket} (one second's worth of burst; a refused request gets 429 with the whole
 * seconds until the next token as retry-after), answers an accepted one with 202 and retry-after 1 s, and assigns
 * on the first poll; polls are not throttled. One thread and one queue of events ordered by simulated time, so
 * 100,000 gateways take seconds of CPU, not hours of waiting. Every gateway starts at a moment drawn from the same
 * seeded sequence as {@link FleetBench}'s, so the two runs see the same start-up.
 *
 * <p>The network is a constant round trip per MQTT exchange and a constant connection set-up (TCP, TLS, CONNECT);
 * DPS sees a request half a round trip after it was sent. Single use.
 */
final class FleetSimulation {

    /** What is simulated: the fleet, the throttle and the network's constants. */
    record Model(int gateways, double rate, Duration startWindow, Duration roundTrip, Duration connectSetUp,
            long seed) {

        /** As in the real-network fleet bench: starts within 10 s; loopback round trips; a TLS handshake's CPU. */
        static Model of(int gateways, double rate) {
            return new Model(gateways, rate, Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMillis(8),
                    FleetBench.SEED);
        }

        double floorSeconds() {
            return gateways / rate;
        }
    }

    /** One simulated gateway: the events the network delivers to it. */
    interface Gateway {
        void start();

        void connAck();

        void subAck();

        /** DPS's answer to a register request: 202 (accepted) or 429 with its retry-after in seconds. */
        void registerAnswer(int status, int retryAfterSeconds);

        /** DPS's answer to a poll: always assigned in this model. */
        void pollAnswer();

        void timer(long timerId);

        /** The component starts a fresh run after the pause it chose. */
        void restart();
    }

    /** Makes gateway {@code index} of this simulation. */
    interface GatewayFactory {
        Gateway create(int index, FleetSimulation simulation);
    }

    private enum Kind {
        START, CONNACK, SUBACK, REGISTER_ANSWER, POLL_ANSWER, TIMER, RESTART
    }

    private static final class Event {
        final long at;
        final long sequence;
        final int gateway;
        final Kind kind;
        final int connection;
        final long value;
        final int status;

        Event(long at, long sequence, int gateway, Kind kind, int connection, long value, int status) {
            this.at = at;
            this.sequence = sequence;
            this.gateway = gateway;
            this.kind = kind;
            this.connection = connection;
            this.value = value;
            this.status = status;
        }
    }

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final int ACCEPTED = 202;
    private static final int THROTTLED = 429;
    /** The bench simulator's retry-after on a 202: poll after one second. */
    private static final int POLL_RETRY_AFTER_SECONDS = 1;

    private final Model model;
    private final SimulatedClock clock = new SimulatedClock(EPOCH);
    /** DPS's view of time: a request reaches it half a round trip after it left the gateway. */
    private final SimulatedClock dpsClock = new SimulatedClock(EPOCH);
    private final TokenBucket bucket;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.sequence, b.sequence));
    private final Gateway[] gateways;
    private final int[] connection;
    private final long[] currentTimer;
    private final double[] assignedAt;
    private final Map<Integer, String> failures = new TreeMap<>();
    private final Map<String, Long> retryCauses = new TreeMap<>();
    private long sequence;
    private long now;
    private int done;
    private long connects;
    private long registers;
    private long polls;
    private long throttled;
    private long retries;

    FleetSimulation(Model model, GatewayFactory factory) {
        this.model = model;
        this.bucket = new TokenBucket(model.rate(), dpsClock);
        this.gateways = new Gateway[model.gateways()];
        this.connection = new int[model.gateways()];
        this.currentTimer = new long[model.gateways()];
        this.assignedAt = new double[model.gateways()];
        Arrays.fill(assignedAt, Double.NaN);
        Random offsets = new Random(model.seed());
        for (int i = 0; i < gateways.length; i++) {
            gateways[i] = factory.create(i, this);
            long offset = (long) (offsets.nextDouble() * model.startWindow().toNanos());
            push(offset, i, Kind.START, 0, 0, 0);
        }
    }

    /** Runs until every gateway is assigned or has given up, or until {@code horizon} of simulated time. */
    FleetBench.PolicyResult run(String label, Duration horizon) {
        long end = horizon.toNanos();
        while (!queue.isEmpty() && done < gateways.length) {
            Event event = queue.poll();
            if (event.at > end) {
                break;
            }
            now = event.at;
            clock.set(EPOCH.plusNanos(now));
            deliver(event);
        }
        List<Double> seconds = new ArrayList<>();
        for (double at : assignedAt) {
            if (!Double.isNaN(at)) {
                seconds.add(at);
            }
        }
        seconds.sort(null);
        Map<String, Integer> reasons = new TreeMap<>();
        failures.values().forEach(reason -> reasons.merge(reason, 1, Integer::sum));
        return new FleetBench.PolicyResult(label, gateways.length, seconds.size(), failures.size(),
                seconds.isEmpty() ? Double.NaN : seconds.get(seconds.size() - 1), seconds.size() == gateways.length,
                connects, registers, polls, throttled, retries, retryCauses, reasons, seconds);
    }

    private void deliver(Event event) {
        Gateway gateway = gateways[event.gateway];
        switch (event.kind) {
            case START -> gateway.start();
            case RESTART -> gateway.restart();
            case TIMER -> {
                // A timer replaced by a later one is dropped here; the gateway would ignore it anyway.
                if (currentTimer[event.gateway] == event.value) {
                    gateway.timer(event.value);
                }
            }
            default -> {
                if (connection[event.gateway] != event.connection) {
                    return; // sent on a connection that has been closed since
                }
                switch (event.kind) {
                    case CONNACK -> gateway.connAck();
                    case SUBACK -> gateway.subAck();
                    case REGISTER_ANSWER -> gateway.registerAnswer(event.status, (int) event.value);
                    default -> gateway.pollAnswer();
                }
            }
        }
    }

    /** The simulated clock every gateway of this fleet reads. */
    SimulatedClock clock() {
        return clock;
    }

    Model model() {
        return model;
    }

    /** Opens a new connection (closing the gateway's previous one): CONNACK after TCP, TLS and CONNECT. */
    void connect(int gateway) {
        connects++;
        int serial = ++connection[gateway];
        push(now + 2 * model.roundTrip().toNanos() + model.connectSetUp().toNanos(), gateway, Kind.CONNACK, serial,
                0, 0);
    }

    void subscribe(int gateway) {
        push(now + model.roundTrip().toNanos(), gateway, Kind.SUBACK, connection[gateway], 0, 0);
    }

    /** A register request: DPS takes a token when it arrives, or answers 429 with the time to the next one. */
    void register(int gateway) {
        registers++;
        long half = model.roundTrip().toNanos() / 2;
        dpsClock.set(EPOCH.plusNanos(now + half));
        int wait = bucket.tryAcquire();
        if (wait > 0) {
            throttled++;
        }
        push(now + model.roundTrip().toNanos(), gateway, Kind.REGISTER_ANSWER, connection[gateway],
                wait > 0 ? wait : POLL_RETRY_AFTER_SECONDS, wait > 0 ? THROTTLED : ACCEPTED);
    }

    void poll(int gateway) {
        polls++;
        push(now + model.roundTrip().toNanos(), gateway, Kind.POLL_ANSWER, connection[gateway], 0, 0);
    }

    /** Closes the gateway's connection; whatever was still on its way to it is lost. */
    void disconnect(int gateway) {
        connection[gateway]++;
    }

    /** Calls {@link Gateway#timer(long)} at {@code at}; replaces the gateway's earlier timer. */
    void timer(int gateway, long timerId, Instant at) {
        currentTimer[gateway] = timerId;
        push(Math.max(now, nanos(at)), gateway, Kind.TIMER, 0, timerId, 0);
    }

    void restartAt(int gateway, Instant at) {
        push(Math.max(now, nanos(at)), gateway, Kind.RESTART, 0, 0, 0);
    }

    void assigned(int gateway) {
        if (Double.isNaN(assignedAt[gateway])) {
            assignedAt[gateway] = now / 1e9;
            done++;
        }
    }

    void gaveUp(int gateway, String why) {
        if (failures.put(gateway, why) == null) {
            done++;
        }
    }

    void retrying(String cause) {
        retries++;
        retryCauses.merge(cause, 1L, Long::sum);
    }

    private static long nanos(Instant at) {
        return Duration.between(EPOCH, at).toNanos();
    }

    private void push(long at, int gateway, Kind kind, int serial, long value, int status) {
        queue.add(new Event(at, sequence++, gateway, kind, serial, value, status));
    }
}
