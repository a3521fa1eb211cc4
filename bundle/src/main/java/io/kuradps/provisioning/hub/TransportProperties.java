package io.kuradps.provisioning.hub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.protocol.HubConnectValues;
import io.kuradps.provisioning.protocol.MqttTransport;

/**
 * The values of Kura's {@code MqttDataTransport} (its metatype's property ids) that connect it to an IoT hub as one
 * device, except the password (the SAS token), which is a secret and written apart. Pure: computed from the
 * assignment and the hub link's configuration.
 */
final class TransportProperties {

    static final String BROKER_URL = "broker-url";
    static final String CLIENT_ID = "client-id";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String CLEAN_SESSION = "clean-session";
    static final String LWT_TOPIC = "lwt.topic";

    private final Map<String, Object> values;

    private TransportProperties(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * @param modelId IoT Plug and Play model id, null or empty for none
     */
    static TransportProperties of(String hub, String deviceId, MqttTransport transport, String modelId) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(BROKER_URL, brokerUrl(transport, hub));
        values.put(CLIENT_ID, HubConnectValues.clientId(deviceId));
        values.put(USERNAME, HubConnectValues.username(hub, deviceId, modelId));
        // IoT Hub keeps no MQTT session for a device (cloud-to-device messages come from its own queue).
        values.put(CLEAN_SESSION, Boolean.TRUE);
        // No Will: an empty topic is Kura's "none"; IoT Hub would take one only on the events topic.
        values.put(LWT_TOPIC, "");
        return new TransportProperties(values);
    }

    /** Kura's URL of the hub: {@code mqtts://hub:8883/}, or {@code wss://hub:443/$iothub/websocket}. */
    static String brokerUrl(MqttTransport transport, String hub) {
        return transport.webSocket() ? "wss://" + hub + ":" + transport.defaultPort() + MqttTransport.WEBSOCKET_PATH
                : "mqtts://" + hub + ":" + transport.defaultPort() + "/";
    }

    /** These values, and the transport's SslManagerService selected by this reference target. */
    TransportProperties withSslManagerTarget(String target) {
        Map<String, Object> more = new LinkedHashMap<>(values);
        more.put(KuraReferences.SSL_MANAGER_TARGET, target);
        return new TransportProperties(more);
    }

    /** Every value, as written to a transport that must take them all again (e.g. one Kura built no client from). */
    Map<String, Object> values() {
        return values;
    }

    /**
     * The values that differ from {@code current} (the transport's configuration as read back), so that only what
     * changed is written. A value of another type but the same text (a Boolean stored as a String) is no change.
     */
    Map<String, Object> changedFrom(Map<String, ?> current) {
        Map<String, Object> changed = new LinkedHashMap<>();
        values.forEach((id, value) -> {
            if (!same(current.get(id), value)) {
                changed.put(id, value);
            }
        });
        return changed;
    }

    /**
     * Whether a property read from Kura ({@code now}, null when absent) holds {@code value}: by text, since Kura and
     * ConfigAdmin may hand back a Boolean as a String, and absent counts as empty.
     */
    static boolean same(Object now, Object value) {
        return now == null ? "".equals(value) : Objects.equals(String.valueOf(now), String.valueOf(value));
    }

    /** True when {@code current} holds every value (what a read-back after a write must show). */
    boolean appliedIn(Map<String, ?> current) {
        return changedFrom(current).isEmpty();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
