package io.kuradps.provisioning.api;

/**
 * EventAdmin topics and property names of the hub link, the component that connects Kura's own MQTT transport to
 * the assigned IoT hub (PID {@code io.kuradps.provisioning.HubConnection}). The hub and the device are named with
 * {@link ProvisioningEvents#ASSIGNED_HUB} and {@link ProvisioningEvents#DEVICE_ID}, errors with
 * {@link ProvisioningEvents#ERROR_MESSAGE}, the next attempt with {@link ProvisioningEvents#RETRY_AT}, times with
 * {@link ProvisioningEvents#TIMESTAMP}. No event carries a token or key.
 * <p>
 * Each failure has one topic: {@link #TOPIC_REFUSED} when the hub refused the device, {@link #TOPIC_MISCONFIGURED}
 * when the link cannot work until a configuration changes, {@link #TOPIC_RETRYING} when something failed that may
 * work when tried again. The last two say which case with {@link #REASON}, one of the {@code REASON_} values.
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
     * The hub refused the device (CONNACK 5, not authorized: the device is unknown there, disabled, or moved);
     * {@link #REPROVISIONING} says whether the hub link asked DPS for a fresh assignment, {@code retry.at} (when it
     * did not) when it tries this hub again. Before 1.3 this topic also stood for the failures that now have
     * {@link #TOPIC_MISCONFIGURED} and {@link #TOPIC_RETRYING}.
     */
    public static final String TOPIC_REFUSED = TOPIC_PREFIX + "REFUSED";
    /**
     * The hub link cannot work as configured until something changes: its own configuration, the assignment, the
     * provisioner's configuration, or Kura's; {@link #REASON} says which ({@link #REASON_INVALID_CONFIGURATION},
     * {@link #REASON_UNUSABLE_DEVICE_ID}, {@link #REASON_NO_CREDENTIALS}, {@link #REASON_NO_TRANSPORT},
     * {@link #REASON_TRANSPORT_NOT_TRACKED}, {@link #REASON_TLS_SETUP}), {@code error.message} what to change.
     * {@code retry.at} is there when the hub link checks again by itself (Kura's side may change without telling it);
     * otherwise it waits for a new configuration or assignment.
     *
     * @since 1.3
     */
    public static final String TOPIC_MISCONFIGURED = TOPIC_PREFIX + "MISCONFIGURED";
    /**
     * Something failed that may work when tried again, at {@code retry.at}, with a fresh token; {@link #REASON} says
     * what ({@link #REASON_CONNECT_FAILED}, {@link #REASON_HUB_THROTTLED}, {@link #REASON_CONNECTION_REFUSED},
     * {@link #REASON_TLS_FAILED}, {@link #REASON_CONNECTION_LOST}, {@link #REASON_WRITE_FAILED}), {@code error.message}
     * what was seen.
     *
     * @since 1.3
     */
    public static final String TOPIC_RETRYING = TOPIC_PREFIX + "RETRYING";
    /** Subscribe to this to hear every hub link event. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /** When the token in use expires (Long, epoch milliseconds); absent for X.509. */
    public static final String TOKEN_EXPIRY = "token.expiry";
    /** The {@code kura.service.pid} of the MqttDataTransport the hub link drives (String). */
    public static final String TRANSPORT_PID = "transport.pid";
    /** On REFUSED: true when the hub link asked DPS for a fresh registration (Boolean). */
    public static final String REPROVISIONING = "reprovisioning";
    /**
     * On MISCONFIGURED and RETRYING: which case it is (String), one of the {@code REASON_} values; new values may
     * come in a minor version.
     *
     * @since 1.3
     */
    public static final String REASON = "reason";

    /** MISCONFIGURED: the hub link's configuration is invalid; the message starts with the property id. */
    public static final String REASON_INVALID_CONFIGURATION = "invalid-configuration";
    /**
     * MISCONFIGURED: the assigned device id cannot be a Kura client id (it holds {@code / + # .}, which Kura rewrites),
     * so the hub could never accept it; the device needs another id in the DPS enrollment.
     */
    public static final String REASON_UNUSABLE_DEVICE_ID = "unusable-device-id";
    /** MISCONFIGURED: the provisioner holds nothing to authenticate with (disabled, invalid, or no usable key). */
    public static final String REASON_NO_CREDENTIALS = "no-credentials";
    /**
     * MISCONFIGURED: no MqttDataTransport has the configured PID, and the hub link may not create it
     * ({@code transport.create} off, a PID Kura's raw MQTT factory cannot make, no factory) or creating it failed.
     */
    public static final String REASON_NO_TRANSPORT = "no-transport";
    /** MISCONFIGURED: the transport did not take the values written: Kura drops updates to a PID it does not track. */
    public static final String REASON_TRANSPORT_NOT_TRACKED = "transport-not-tracked";
    /**
     * MISCONFIGURED: the TLS side needs a change in Kura: an X.509 identity's SslManagerService or keystore (Kura's
     * default one, a target nothing matches, a keystore with no key or more than one).
     */
    public static final String REASON_TLS_SETUP = "tls-setup";
    /** RETRYING: connecting to the hub failed (unreachable, timed out, closed). */
    public static final String REASON_CONNECT_FAILED = "connect-failed";
    /**
     * RETRYING: the hub is not taking connections now (CONNACK 3, server unavailable: IoT Hub's answer to connects
     * beyond its hub-wide rate); the wait widens with the time disconnected, so a fleet spreads out.
     */
    public static final String REASON_HUB_THROTTLED = "hub-throttled";
    /**
     * RETRYING: the hub refused the TCP connect or closed it before CONNACK (restarting, failing over, shedding load).
     */
    public static final String REASON_CONNECTION_REFUSED = "connection-refused";
    /** RETRYING: the TLS handshake with the hub failed, typically for want of its root CA. */
    public static final String REASON_TLS_FAILED = "tls-failed";
    /** RETRYING: the connection the hub link made was lost (the hub closed it, or the network went). */
    public static final String REASON_CONNECTION_LOST = "connection-lost";
    /** RETRYING: reading, creating or writing the transport through Kura's ConfigurationService failed. */
    public static final String REASON_WRITE_FAILED = "write-failed";

    private HubConnectionEvents() {
    }
}
