package io.kuradps.provisioning.protocol;

/** How a connection attempt failed, as the transport can tell it. */
public enum ConnectFailure {
    NETWORK, TLS_HANDSHAKE, REFUSED_NOT_AUTHORIZED, REFUSED_BAD_CREDENTIALS, REFUSED_SERVER_UNAVAILABLE, REFUSED_OTHER
}
