package io.kuradps.provisioning.protocol;

/** How a connection attempt failed, as the transport can tell it. */
public enum ConnectFailure {
    NETWORK, TLS_HANDSHAKE, REFUSED_NOT_AUTHORIZED, REFUSED_BAD_CREDENTIALS, REFUSED_SERVER_UNAVAILABLE, REFUSED_OTHER,
    /** TLS: a certificate of the server's chain has expired by the device clock (the clock may be ahead). */
    TLS_CERTIFICATE_EXPIRED,
    /** TLS: a certificate of the server's chain is not yet valid by the device clock (the clock may be behind). */
    TLS_CERTIFICATE_NOT_YET_VALID,
    /** The HTTP proxy's host does not resolve, does not accept the connection, or does not answer like a proxy. */
    PROXY_UNREACHABLE,
    /** The HTTP proxy answered CONNECT with 407 (or 401, as some do): credentials missing or refused. */
    PROXY_AUTHENTICATION,
    /** The HTTP proxy answered CONNECT with another refusal (403 for a port it does not allow, 502, ...). */
    PROXY_REFUSED,
    /** The HTTP proxy closed the connection before answering CONNECT. */
    PROXY_CLOSED
}
