package io.kuradps.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulated IoT hub saw, in total and per device id: connections admitted and refused (with the reason,
 * never a secret), sessions it ended and why, and the telemetry it accepted. Tests wait for something to happen
 * with {@link #await(String, EventKind, long, Duration)}, a bounded wait. Thread-safe.
 */
public final class HubCounters {

    /** What a device did, or what the hub did to it. */
    public enum EventKind {
        /** CONNECT admitted (CONNACK 0). */
        CONNECTED,
        /** CONNECT refused (a CONNACK other than 0, or closed instead by an injected fault). */
        REFUSED,
        SUBSCRIBE,
        /** A telemetry message accepted (counted on arrival, before its PUBACK), or the Will message forwarded. */
        TELEMETRY,
        /** The hub closed the session because its SAS token expired. */
        TOKEN_EXPIRED,
        /** The hub closed the session because the device was deleted or disabled. */
        REVOKED,
        /** The hub closed the session because the same device connected again. */
        REPLACED,
        /** The hub closed the connection for a packet IoT Hub does not accept (topic, QoS 2, ...). */
        PROTOCOL_VIOLATION,
        /** An admitted session ended, for whatever reason. */
        DISCONNECTED
    }

    /**
     * One event in a device's history.
     *
     * @param kind what happened
     * @param at when, on the simulator's clock
     * @param hub the hub it happened on (the one named in the username)
     * @param detail why (refusals, closes) or what (telemetry topic), never a secret; may be null
     */
    public record Event(EventKind kind, Instant at, String hub, String detail) {
    }

    /** Per device, only the latest events and messages are kept. */
    static final int KEPT = 1000;

    private final Clock clock;
    private final LongAdder connections = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder telemetry = new LongAdder();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Object changed = new Object();

    HubCounters(Clock clock) {
        this.clock = clock;
    }

    void connectionOpened() {
        connections.increment();
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    void record(EventKind kind, String hub, String deviceId, String detail) {
        device(deviceId).add(new Event(kind, clock.instant(), hub, detail), null);
        signal();
    }

    void accepted(TelemetryMessage message) {
        telemetry.increment();
        device(message.deviceId()).add(new Event(EventKind.TELEMETRY, message.acceptedAt(), message.hub(),
                message.topic()), message);
        signal();
    }

    private Device device(String deviceId) {
        return devices.computeIfAbsent(deviceId == null ? "" : deviceId, id -> new Device());
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** TCP connections accepted (both hub ports). */
    public long connections() {
        return connections.sum();
    }

    /** Connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Telemetry messages accepted, all devices. */
    public long telemetry() {
        return telemetry.sum();
    }

    /** Telemetry messages accepted from one device (Will messages included). */
    public long telemetry(String deviceId) {
        Device device = devices.get(deviceId);
        return device == null ? 0 : device.telemetry.sum();
    }

    /** The latest telemetry messages accepted from one device, oldest first. */
    public List<TelemetryMessage> telemetryMessages(String deviceId) {
        Device device = devices.get(deviceId);
        return device == null ? List.of() : device.messages();
    }

    /** The latest events of one device id, oldest first (CONNECTs whose username could not be read count under
     * their client id). */
    public List<Event> events(String deviceId) {
        Device device = devices.get(deviceId);
        return device == null ? List.of() : device.events();
    }

    /** How many events of this kind the device has among its latest. */
    public long count(String deviceId, EventKind kind) {
        return events(deviceId).stream().filter(e -> e.kind() == kind).count();
    }

    /** Why the device's latest CONNECT was refused, or null. Never contains secrets. */
    public String lastRefusal(String deviceId) {
        List<Event> events = events(deviceId);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).kind() == EventKind.REFUSED) {
                return events.get(i).detail();
            }
        }
        return null;
    }

    /**
     * Waits until the device has at least {@code atLeast} events of the kind (telemetry: messages accepted), or
     * the timeout passes.
     *
     * @return true when it happened in time
     */
    public boolean await(String deviceId, EventKind kind, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                long seen = kind == EventKind.TELEMETRY ? telemetry(deviceId) : count(deviceId, kind);
                long left = deadline - System.nanoTime();
                if (seen >= atLeast) {
                    return true;
                }
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(changed, left);
            }
        }
    }

    /** Forgets everything but the open connections gauge. */
    public void reset() {
        connections.reset();
        telemetry.reset();
        devices.clear();
    }

    @Override
    public String toString() {
        return "HubCounters[connections=" + connections() + ", open=" + openConnections() + ", telemetry="
                + telemetry() + ", devices=" + devices.size() + "]";
    }

    private static final class Device {
        private final LongAdder telemetry = new LongAdder();
        private final Deque<Event> events = new ArrayDeque<>();
        private final Deque<TelemetryMessage> messages = new ArrayDeque<>();

        synchronized void add(Event event, TelemetryMessage message) {
            keep(events, event);
            if (message != null) {
                telemetry.increment();
                keep(messages, message);
            }
        }

        private static <T> void keep(Deque<T> history, T item) {
            if (history.size() == KEPT) {
                history.removeFirst();
            }
            history.addLast(item);
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        synchronized List<TelemetryMessage> messages() {
            return List.copyOf(messages);
        }
    }
}
