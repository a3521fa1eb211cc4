package io.kuradps.provisioning.hub;

import io.kuradps.provisioning.api.HubConnectionEvents;

/**
 * The hub link cannot work until a configuration changes: its own, or Kura's; the message starts with the property
 * id or the Kura service to change, {@link #reason()} is the {@code MISCONFIGURED} event's reason.
 */
final class HubConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    private HubConfigurationException(String reason, String field, String problem) {
        super(field + ": " + problem);
        this.reason = reason;
    }

    /** A value of the hub link's configuration is wrong. */
    static HubConfigurationException invalid(String field, String problem) {
        return new HubConfigurationException(HubConnectionEvents.REASON_INVALID_CONFIGURATION, field, problem);
    }

    /** The transport does not exist, and the hub link cannot create it. */
    static HubConfigurationException noTransport(String field, String problem) {
        return new HubConfigurationException(HubConnectionEvents.REASON_NO_TRANSPORT, field, problem);
    }

    /** The TLS side (an SslManagerService, a keystore) needs a change in Kura. */
    static HubConfigurationException tlsSetup(String field, String problem) {
        return new HubConfigurationException(HubConnectionEvents.REASON_TLS_SETUP, field, problem);
    }

    /** One of {@link HubConnectionEvents}' {@code REASON_} values of {@code MISCONFIGURED}. */
    String reason() {
        return reason;
    }
}
