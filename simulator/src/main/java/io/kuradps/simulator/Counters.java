package io.kuradps.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator saw and answered, in total and per registration id, so tests and benchmarks can
 * assert on what a client sent (for example that it never polled before the retry-after it was given).
 * Thread-safe; {@link #reset()} starts afresh (open connections are a gauge and stay).
 */
public final class Counters {

    /** What a device did, or what the simulator answered. */
    public enum EventKind { CONNECT, SUBSCRIBE, REGISTER, POLL, ANSWER }

    /**
     * One event in a device's history.
     *
     * @param kind what happened
     * @param at when, on the simulator's clock
     * @param requestId the $rid of a request or answer, else null
     * @param status the answer's status, else 0
     * @param retryAfterSeconds the answer's retry-after, else null
     */
    public record Event(EventKind kind, Instant at, String requestId, int status, Integer retryAfterSeconds) {
    }

    /** Per device, only the latest events are kept, so that long fleet runs do not grow without bound. */
    static final int EVENTS_KEPT = 1000;

    private final Clock clock;
    private final LongAdder connections = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Map<EventKind, LongAdder> totals = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> answersByStatus = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    Counters(Clock clock) {
        this.clock = clock;
    }

    void connectionOpened() {
        connections.increment();
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    void request(EventKind kind, String registrationId, String requestId) {
        totals.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (registrationId != null) {
            device(registrationId).add(new Event(kind, clock.instant(), requestId, 0, null));
        }
    }

    void answer(String registrationId, String requestId, int status, Integer retryAfterSeconds) {
        totals.computeIfAbsent(EventKind.ANSWER, k -> new LongAdder()).increment();
        answersByStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
        if (registrationId != null) {
            device(registrationId).add(new Event(EventKind.ANSWER, clock.instant(), requestId, status,
                    retryAfterSeconds));
        }
    }

    void authenticationFailed(String registrationId, String reason) {
        device(registrationId).lastAuthenticationFailure = reason;
    }

    private Device device(String registrationId) {
        return devices.computeIfAbsent(registrationId, id -> new Device());
    }

    /** TCP connections accepted (both ports). */
    public long connections() {
        return connections.sum();
    }

    /** Connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** MQTT CONNECT packets received. */
    public long connects() {
        return total(EventKind.CONNECT);
    }

    public long subscribes() {
        return total(EventKind.SUBSCRIBE);
    }

    /** Register requests received. */
    public long registers() {
        return total(EventKind.REGISTER);
    }

    /** Operation status polls received. */
    public long polls() {
        return total(EventKind.POLL);
    }

    /** Answers sent on the response topic with this status. */
    public long answers(int status) {
        LongAdder adder = answersByStatus.get(status);
        return adder == null ? 0 : adder.sum();
    }

    /** Answers by status, sorted by status. */
    public Map<Integer, Long> answersByStatus() {
        Map<Integer, Long> result = new TreeMap<>();
        answersByStatus.forEach((status, adder) -> result.put(status, adder.sum()));
        return result;
    }

    /** The history of one registration id, oldest first (empty if it never showed up). */
    public List<Event> events(String registrationId) {
        Device device = devices.get(registrationId);
        return device == null ? List.of() : device.events();
    }

    /** How many events of this kind one registration id caused. */
    public long count(String registrationId, EventKind kind) {
        return events(registrationId).stream().filter(e -> e.kind() == kind).count();
    }

    /** Why the device's last authentication failed, or null. Never contains secrets. */
    public String lastAuthenticationFailure(String registrationId) {
        Device device = devices.get(registrationId);
        return device == null ? null : device.lastAuthenticationFailure;
    }

    /** Forgets everything but the open connections gauge. */
    public void reset() {
        connections.reset();
        totals.clear();
        answersByStatus.clear();
        devices.clear();
    }

    private long total(EventKind kind) {
        LongAdder adder = totals.get(kind);
        return adder == null ? 0 : adder.sum();
    }

    @Override
    public String toString() {
        return "Counters[connections=" + connections() + ", open=" + openConnections() + ", connects=" + connects()
                + ", subscribes=" + subscribes() + ", registers=" + registers() + ", polls=" + polls()
                + ", answers=" + answersByStatus() + "]";
    }

    private static final class Device {
        private final Deque<Event> events = new ArrayDeque<>();
        private volatile String lastAuthenticationFailure;

        synchronized void add(Event event) {
            if (events.size() == EVENTS_KEPT) {
                events.removeFirst();
            }
            events.addLast(event);
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }
    }
}
