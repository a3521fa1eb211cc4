package io.kuradps.provisioning.protocol;

/** How a connection attempt failed, as the transport can tell it. */
public enum ConnectFailure {
    NETWORK, TLS_HANDSHAKE, REFUSED_NOT_AUTHORIZED, REFUSED_BAD_CREDENTIALS, REFUSED_SERVER_UNAVAILABLE, REFUSED_OTHER,
    /** TLS: a certificate of the server's chain has expired by the device clock (the clock may be ahead). */
    TLS_CERTIFICATE_EXPIRED,
    /** TLS: a certificate of the server's chain is not yet valid by the device clock (the clock may be behind). */
    TLS_CERTIFICATE_NOT_YET_VALID
}
