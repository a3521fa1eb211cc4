package io.kuradps.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A cloud-to-device message as the simulated hub holds it in the device's queue: what was sent, and where it is in
 * IoT Hub's life cycle. A snapshot: {@link HubSimulator#cloudToDeviceMessages(String)} gives the current one.
 *
 * @param messageId the message id ({@code $.mid}), given or generated
 * @param hub the hub's host name
 * @param deviceId the device it is for
 * @param payload the body
 * @param properties the property bag the device gets, decoded, in its order: system properties ({@code $.mid},
 *        {@code $.to}, then {@code $.cid}, {@code $.uid}, {@code $.ct}, {@code $.ce} when given), {@code iothub-ack},
 *        then the application properties (a null value is a property without value)
 * @param enqueuedAt when the hub took it, on the simulator's clock
 * @param expiresAt when it expires unless completed (IoT Hub's time to live)
 * @param state where it is in its life cycle
 * @param deliveries how many times the hub published it to the device
 * @param acknowledged completed by the device's PUBACK (not by a QoS 0 delivery)
 * @param settledAt when it was completed or expired, null before
 */
public record CloudToDeviceMessage(String messageId, String hub, String deviceId, byte[] payload,
        Map<String, String> properties, Instant enqueuedAt, Instant expiresAt, State state, int deliveries,
        boolean acknowledged, Instant settledAt) {

    /** IoT Hub's life cycle of a cloud-to-device message, as MQTT devices take part in it. */
    public enum State {
        /** In the device's queue, waiting for a subscription to {@code devices/{id}/messages/devicebound/#}. */
        ENQUEUED,
        /** Published at QoS 1, waiting for the PUBACK (IoT Hub's "Invisible"); back to the queue if the connection
         * ends first. */
        DELIVERED,
        /** Acknowledged by PUBACK, or published at QoS 0 (fire and forget); out of the queue. */
        COMPLETED,
        /** Its time to live passed before it was completed (IoT Hub's "Dead lettered"); out of the queue. */
        EXPIRED
    }

    public CloudToDeviceMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(state, "state");
        payload = payload.clone();
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The body as UTF-8 text. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CloudToDeviceMessage m && messageId.equals(m.messageId) && Objects.equals(hub, m.hub)
                && Objects.equals(deviceId, m.deviceId) && java.util.Arrays.equals(payload, m.payload)
                && properties.equals(m.properties) && Objects.equals(enqueuedAt, m.enqueuedAt)
                && Objects.equals(expiresAt, m.expiresAt) && state == m.state && deliveries == m.deliveries
                && acknowledged == m.acknowledged && Objects.equals(settledAt, m.settledAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, hub, deviceId, java.util.Arrays.hashCode(payload), properties, enqueuedAt,
                expiresAt, state, deliveries, acknowledged, settledAt);
    }

    @Override
    public String toString() {
        return "CloudToDeviceMessage[" + messageId + " to " + hub + "/" + deviceId + ", " + payload.length
                + " bytes, " + state + (acknowledged ? " by PUBACK" : "") + ", deliveries " + deliveries + "]";
    }
}
