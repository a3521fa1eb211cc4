package io.kuradps.provisioning.transport;

import java.io.IOException;

import io.kuradps.provisioning.protocol.ConnectFailure;

/**
 * The HTTP proxy did not give us a tunnel. Carries the protocol core's classification, so that Paho's wrapping
 * (it turns this into an MqttException) does not lose which setting to fix. Never holds a credential.
 */
final class ProxyTunnelException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ConnectFailure failure;

    ProxyTunnelException(ConnectFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    ProxyTunnelException(ConnectFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    ConnectFailure failure() {
        return failure;
    }
}
