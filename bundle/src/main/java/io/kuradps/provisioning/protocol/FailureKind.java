package io.kuradps.provisioning.protocol;

/** Why a registration attempt did not succeed, in terms a person and a retry policy can act on. */
public enum FailureKind {
    /** 429: DPS asks the device to slow down. */
    THROTTLED,
    /** 5xx: the service had a problem; it usually passes. */
    SERVER_ERROR,
    /** The MQTT connection dropped during the registration. */
    CONNECTION_LOST,
    /** No answer (CONNACK, SUBACK or response) within the response timeout. */
    RESPONSE_TIMEOUT,
    /** 401, or CONNECT refused for bad credentials / not authorized. */
    UNAUTHORIZED,
    /** 400 or another 4xx meaning the request or configuration is wrong. */
    BAD_REQUEST,
    /** 404: no such id scope or registration. */
    NOT_FOUND,
    /** The operation ended with status failed (e.g. 400207 custom allocation failed). */
    FAILED,
    /** The enrollment or registration is disabled. */
    DISABLED,
    /** No assignment within the overall deadline. */
    DEADLINE_EXCEEDED,
    /** The broker answered CONNECT with a refusal other than bad credentials. */
    CONNECT_REFUSED,
    /** The endpoint could not be reached (DNS, routing, firewall, proxy). */
    NETWORK,
    /** The HTTP proxy could not be reached, or did not open the tunnel to DPS. */
    PROXY,
    /** The TLS handshake failed (trust, client certificate, clock). */
    TLS,
    /** DPS sent something this client does not understand, or refused the subscription. */
    PROTOCOL
}
