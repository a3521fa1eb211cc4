package io.kuradps.provisioning.api;

/**
 * EventAdmin topics and property names of the hub link, the component that connects Kura's own MQTT transport to
 * the assigned IoT hub (PID {@code io.kuradps.provisioning.HubConnection}). The hub and the device are named with
 * {@link ProvisioningEvents#ASSIGNED_HUB} and {@link ProvisioningEvents#DEVICE_ID}, errors with
 * {@link ProvisioningEvents#ERROR_MESSAGE}, times with {@link ProvisioningEvents#TIMESTAMP}. No event carries a
 * token or key.
 *
 * @since 1.1
 */
public final class HubConnectionEvents {

    /** Topic prefix; the action follows the last slash. */
    public static final String TOPIC_PREFIX = "io/kuradps/provisioning/HubConnection/";
    /** The transport was written for a hub and device (after an assignment, or at start) and read back. */
    public static final String TOPIC_CONFIGURED = TOPIC_PREFIX + "CONFIGURED";
    /** A fresh token was written before the one in use expired (or after the clock was set). */
    public static final String TOPIC_TOKEN_RENEWED = TOPIC_PREFIX + "TOKEN_RENEWED";
    /** The transport is connected to the hub. */
    public static final String TOPIC_CONNECTED = TOPIC_PREFIX + "CONNECTED";
    /**
     * The hub link cannot connect this device: the hub refused it, TLS failed, or the device id or transport cannot
     * work; {@code error.message} says why and what to do.
     */
    public static final String TOPIC_REFUSED = TOPIC_PREFIX + "REFUSED";
    /** Subscribe to this to hear every hub link event. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /** When the token in use expires (Long, epoch milliseconds); absent for X.509. */
    public static final String TOKEN_EXPIRY = "token.expiry";
    /** The {@code kura.service.pid} of the MqttDataTransport the hub link drives (String). */
    public static final String TRANSPORT_PID = "transport.pid";
    /** On REFUSED: true when the hub link asked DPS for a fresh registration (Boolean). */
    public static final String REPROVISIONING = "reprovisioning";

    private HubConnectionEvents() {
    }
}
