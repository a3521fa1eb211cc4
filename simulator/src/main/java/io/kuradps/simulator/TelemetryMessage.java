package io.kuradps.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A device-to-cloud message the simulated hub accepted.
 *
 * @param hub the hub's host name
 * @param deviceId the sending device
 * @param topic the PUBLISH topic as sent
 * @param properties the property bag after {@code messages/events/}, percent-decoded, in order
 * @param payload the body
 * @param qos 0 or 1
 * @param will true for the device's Will message, sent by the hub when the connection ended without DISCONNECT
 * @param acceptedAt when, on the simulator's clock
 */
public record TelemetryMessage(String hub, String deviceId, String topic, Map<String, String> properties,
        byte[] payload, int qos, boolean will, Instant acceptedAt) {

    public TelemetryMessage {
        Objects.requireNonNull(topic, "topic");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        payload = payload.clone();
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
    public String toString() {
        return "TelemetryMessage[" + hub + "/" + deviceId + ", " + topic + ", " + payload.length + " bytes, qos "
                + qos + (will ? ", will" : "") + ", " + acceptedAt + "]";
    }
}
