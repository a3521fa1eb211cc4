package io.kuradps.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One device's cloud-to-device queue in a simulated hub, IoT Hub's life cycle without I/O (Microsoft's
 * "Understand cloud-to-device messaging from an IoT hub"): at most {@value #MAX_QUEUED} messages not yet completed;
 * each expires after its time to live; a message published at QoS 1 stays until its PUBACK and goes back to the
 * queue, in its place, when the connection ends first. Times come from the caller (the simulator's clock).
 * Thread-safe.
 */
final class CloudToDeviceQueue {

    /** IoT Hub: "Each device queue holds, at most, 50 cloud-to-device messages." */
    static final int MAX_QUEUED = 50;
    /** IoT Hub's largest cloud-to-device message, body and properties: 64 KB. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** IoT Hub's default time to live for cloud-to-device messages (a hub setting, one minute to two days). */
    static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);
    /** The longest time to live IoT Hub takes. */
    static final Duration MAX_TIME_TO_LIVE = Duration.ofDays(2);
    /** Settled messages kept for inspection, per device. */
    static final int KEPT_SETTLED = 1000;

    /** The system properties a sender sets, in the order IoT Hub puts them after {@code $.mid} and {@code $.to}. */
    private static final List<String> SETTABLE_SYSTEM_PROPERTIES = List.of("$.cid", "$.uid", "$.ct", "$.ce");
    private static final String ACK = "iothub-ack";
    private static final Set<String> ACK_VALUES = Set.of("none", "positive", "negative", "full");

    private final String hub;
    private final String deviceId;
    private final List<Entry> entries = new ArrayList<>();
    private int settled;

    CloudToDeviceQueue(String hub, String deviceId) {
        this.hub = hub;
        this.deviceId = deviceId;
    }

    /**
     * Takes a message into the queue.
     *
     * @return its message id
     * @throws HubServiceException 400004 for a property a sender may not set or a bad time to live, 413001 when the
     *         message is too large, 403004 when the queue is full
     */
    synchronized String enqueue(byte[] payload, Map<String, String> properties, Duration timeToLive, Instant now) {
        if (timeToLive.isNegative() || timeToLive.isZero() || timeToLive.compareTo(MAX_TIME_TO_LIVE) > 0) {
            throw HubServiceException.argumentInvalid("time to live must be positive and at most "
                    + MAX_TIME_TO_LIVE.toHours() + " hours, was " + timeToLive);
        }
        Map<String, String> bag = bag(properties);
        int size = payload.length + PropertyBag.encode(bag).getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_MESSAGE_BYTES) {
            throw HubServiceException.tooLarge("a cloud-to-device message is at most " + MAX_MESSAGE_BYTES
                    + " bytes with its properties, this one " + size);
        }
        expire(now);
        long pending = entries.stream().filter(Entry::pending).count();
        if (pending >= MAX_QUEUED) {
            throw new HubServiceException(403, 403004, "DeviceMaximumQueueDepthExceeded: device " + deviceId
                    + " already has " + MAX_QUEUED + " cloud-to-device messages queued");
        }
        Entry entry = new Entry(bag.get("$.mid"), payload.clone(), bag, now, now.plus(timeToLive));
        entries.add(entry);
        return entry.messageId;
    }

    /** The bag the device gets: $.mid, $.to, the other system properties, iothub-ack, the application properties. */
    private Map<String, String> bag(Map<String, String> properties) {
        Map<String, String> bag = new LinkedHashMap<>();
        String messageId = properties.get("$.mid");
        bag.put("$.mid", messageId == null || messageId.isEmpty() ? UUID.randomUUID().toString() : messageId);
        bag.put("$.to", "/devices/" + deviceId + "/messages/devicebound");
        for (String name : SETTABLE_SYSTEM_PROPERTIES) {
            if (properties.get(name) != null) {
                bag.put(name, properties.get(name));
            }
        }
        String ack = properties.get(ACK) == null ? "none" : properties.get(ACK);
        if (!ACK_VALUES.contains(ack)) {
            throw HubServiceException.argumentInvalid(ACK + " must be one of none, positive, negative, full, was "
                    + ack);
        }
        bag.put(ACK, ack);
        properties.forEach((name, value) -> {
            if (name == null || name.isEmpty()) {
                throw HubServiceException.argumentInvalid("a property needs a name");
            }
            if (name.startsWith("$") && !name.equals("$.mid") && !SETTABLE_SYSTEM_PROPERTIES.contains(name)) {
                throw HubServiceException.argumentInvalid("system property " + name + " is not one a sender sets"
                        + " ($.mid, $.cid, $.uid, $.ct, $.ce)");
            }
            if (!name.startsWith("$") && !name.equals(ACK)) {
                bag.put(name, value);
            }
        });
        return bag;
    }

    /**
     * The oldest message waiting for delivery, marked as published at that QoS (0 completes it: IoT Hub does not
     * wait for anything); null when none waits.
     *
     * @param packetId the PUBLISH's packet id at QoS 1
     * @param connection the connection it is published on (its end returns the message to the queue)
     */
    synchronized CloudToDeviceMessage deliverNext(int qos, int packetId, Object connection, Instant now) {
        expire(now);
        for (Entry entry : entries) {
            if (entry.state == CloudToDeviceMessage.State.ENQUEUED) {
                entry.deliveries++;
                if (qos == 0) {
                    settle(entry, CloudToDeviceMessage.State.COMPLETED, now);
                } else {
                    entry.state = CloudToDeviceMessage.State.DELIVERED;
                    entry.packetId = packetId;
                    entry.connection = connection;
                }
                return entry.snapshot(hub, deviceId);
            }
        }
        return null;
    }

    /** The device's PUBACK: completes the message published on that connection with that packet id, if any. */
    synchronized CloudToDeviceMessage acknowledged(int packetId, Object connection, Instant now) {
        for (Entry entry : entries) {
            if (entry.state == CloudToDeviceMessage.State.DELIVERED && entry.packetId == packetId
                    && entry.connection == connection) {
                entry.acknowledged = true;
                settle(entry, CloudToDeviceMessage.State.COMPLETED, now);
                return entry.snapshot(hub, deviceId);
            }
        }
        return null;
    }

    /**
     * A connection ended: the messages it left unacknowledged go back to the queue, in their places.
     *
     * @return true when any did
     */
    synchronized boolean connectionEnded(Object connection) {
        boolean returned = false;
        for (Entry entry : entries) {
            if (entry.state == CloudToDeviceMessage.State.DELIVERED && entry.connection == connection) {
                entry.state = CloudToDeviceMessage.State.ENQUEUED;
                entry.packetId = 0;
                entry.connection = null;
                returned = true;
            }
        }
        return returned;
    }

    /** Dead-letters every message waiting in the queue past its time to live; returns them. */
    synchronized List<CloudToDeviceMessage> expire(Instant now) {
        List<CloudToDeviceMessage> expired = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.state == CloudToDeviceMessage.State.ENQUEUED && !now.isBefore(entry.expiresAt)) {
                settle(entry, CloudToDeviceMessage.State.EXPIRED, now);
                expired.add(entry.snapshot(hub, deviceId));
            }
        }
        return expired;
    }

    /** Every message, oldest first, as it is now (settled ones: the latest {@value #KEPT_SETTLED}). */
    synchronized List<CloudToDeviceMessage> messages() {
        return entries.stream().map(entry -> entry.snapshot(hub, deviceId)).toList();
    }

    private void settle(Entry entry, CloudToDeviceMessage.State state, Instant now) {
        entry.state = state;
        entry.settledAt = now;
        entry.packetId = 0;
        entry.connection = null;
        if (++settled > KEPT_SETTLED) {
            for (int i = 0; i < entries.size(); i++) {
                if (!entries.get(i).pending()) {
                    entries.remove(i);
                    settled--;
                    break;
                }
            }
        }
    }

    private static final class Entry {
        final String messageId;
        final byte[] payload;
        final Map<String, String> properties;
        final Instant enqueuedAt;
        final Instant expiresAt;
        CloudToDeviceMessage.State state = CloudToDeviceMessage.State.ENQUEUED;
        int deliveries;
        boolean acknowledged;
        Instant settledAt;
        int packetId;
        Object connection;

        Entry(String messageId, byte[] payload, Map<String, String> properties, Instant enqueuedAt,
                Instant expiresAt) {
            this.messageId = messageId;
            this.payload = payload;
            this.properties = properties;
            this.enqueuedAt = enqueuedAt;
            this.expiresAt = expiresAt;
        }

        boolean pending() {
            return state == CloudToDeviceMessage.State.ENQUEUED || state == CloudToDeviceMessage.State.DELIVERED;
        }

        CloudToDeviceMessage snapshot(String hub, String deviceId) {
            return new CloudToDeviceMessage(messageId, hub, deviceId, payload, properties, enqueuedAt, expiresAt,
                    state, deliveries, acknowledged, settledAt);
        }
    }
}
