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
import java.util.function.BooleanSupplier;

/**
 * What the simulated IoT hub saw, in total and per device id: connections admitted and refused (with the reason,
 * never a secret), sessions it ended and why, the telemetry it accepted, the cloud-to-device messages it sent and
 * which the device acknowledged, twin requests and direct method calls. Tests wait for something to happen with
 * {@link #await(String, EventKind, long, Duration)}, a bounded wait. Thread-safe.
 */
public final class HubCounters {

    /** What a device did, or what the hub did to it. */
    public enum EventKind {
        /** CONNECT admitted (CONNACK 0). */
        CONNECTED,
        /** CONNECT refused (a CONNACK other than 0, or closed instead by an injected fault). */
        REFUSED,
        SUBSCRIBE,
        UNSUBSCRIBE,
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
        DISCONNECTED,
        /** The service sent a cloud-to-device message into the device's queue (detail {@code messageId=...}). */
        CLOUD_TO_DEVICE_ENQUEUED,
        /** The hub published a cloud-to-device message to the device (detail {@code messageId=..., qos=n}). */
        CLOUD_TO_DEVICE_SENT,
        /** The device's PUBACK completed a cloud-to-device message (detail {@code messageId=...}). */
        CLOUD_TO_DEVICE_ACKNOWLEDGED,
        /** A cloud-to-device message's time to live passed before it was completed (detail {@code messageId=...}). */
        CLOUD_TO_DEVICE_EXPIRED,
        /** The device's twin GET, answered or refused (detail: {@code $rid} and status). */
        TWIN_GET,
        /** The device's reported patch, applied or refused (detail: {@code $rid}, status, new {@code $version}). */
        TWIN_REPORTED,
        /** The service patched the desired properties (detail: {@code $version}, whether pushed to the device). */
        TWIN_DESIRED_UPDATED,
        /** The hub published a direct method request to the device (detail: method and {@code $rid}). */
        METHOD_REQUEST,
        /** The device answered a method request no call waited for (late, or an unknown {@code $rid}): ignored. */
        METHOD_RESPONSE,
        /** A direct method call ended, by the device's answer or the hub's 404 / 504 (detail: method, status). */
        METHOD_RESULT
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
    /** How cloud-to-device events name their message. */
    static final String MESSAGE_ID = "messageId=";

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

    void methodEnded(MethodResult result) {
        device(result.deviceId()).methodEnded(new Event(EventKind.METHOD_RESULT, result.endedAt(), result.hub(),
                result.methodName() + " -> " + result.status() + (result.answeredByDevice() ? " from the device"
                        : " from the hub (" + result.errorCode() + ")")), result);
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

    /** The message ids of the cloud-to-device messages the device acknowledged by PUBACK, in order. */
    public List<String> acknowledged(String deviceId) {
        return events(deviceId).stream().filter(e -> e.kind() == EventKind.CLOUD_TO_DEVICE_ACKNOWLEDGED)
                .map(e -> e.detail().substring(MESSAGE_ID.length())).toList();
    }

    /** How the device's latest direct method calls ended, oldest first. */
    public List<MethodResult> methodResults(String deviceId) {
        Device device = devices.get(deviceId);
        return device == null ? List.of() : device.methodResults();
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

    /**
     * Waits, at most {@code timeout}, until the condition holds; it is looked at again whenever the hub records
     * something.
     *
     * @return true when it held in time
     */
    boolean awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                if (condition.getAsBoolean()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
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
        private final Deque<MethodResult> methodResults = new ArrayDeque<>();

        synchronized void add(Event event, TelemetryMessage message) {
            keep(events, event);
            if (message != null) {
                telemetry.increment();
                keep(messages, message);
            }
        }

        synchronized void methodEnded(Event event, MethodResult result) {
            keep(events, event);
            keep(methodResults, result);
        }

        synchronized List<MethodResult> methodResults() {
            return List.copyOf(methodResults);
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
