package io.kuradps.provisioning.hub;

/** The transport could not connect to the hub; {@link #kind()} says how, the message what was seen (no secrets). */
final class HubConnectException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** CONNACK 5: IoT Hub's answer to every refused CONNECT (unknown, disabled or moved device, bad token). */
        NOT_AUTHORIZED,
        /** The TLS handshake failed, typically because the keystore does not trust the hub's root CA. */
        TLS,
        /** Anything else: unreachable, timed out, closed. */
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
