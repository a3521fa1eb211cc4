package io.kuradps.provisioning.hub;

/** The transport could not connect to the hub; {@link #kind()} says how, the message what was seen (no secrets). */
final class HubConnectException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** CONNACK 5: IoT Hub's answer to every refused CONNECT (unknown, disabled or moved device, bad token). */
        NOT_AUTHORIZED,
        /**
         * CONNACK 3, server unavailable: IoT Hub's answer to connects beyond its hub-wide rate, so mostly a fleet
         * coming back at once after a hub restart or failover.
         */
        SERVER_UNAVAILABLE,
        /**
         * Nothing accepted the TCP connection (refused, or no route to it), or the hub closed it before CONNACK,
         * during the TLS handshake or after CONNECT, with no certificate at fault: a hub restarting or shedding load.
         */
        CONNECTION_REFUSED,
        /** The TLS handshake failed, typically because the keystore does not trust the hub's root CA. */
        TLS,
        /**
         * Kura's transport has no MQTT client configuration to connect with: it builds one when it activates and when
         * its configuration is written, and a transport activated before its SslManagerService was bound has none
         * until its configuration is written again (MqttDataTransport.activate and setSslManagerService).
         */
        TRANSPORT_INVALID,
        /** Anything else: timed out, a client in the wrong state, an unknown error. */
        OTHER
    }

    private final Kind kind;

    HubConnectException(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
