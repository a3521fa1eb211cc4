package io.kuradps.provisioning.protocol;

/**
 * The only exception the protocol core throws for bad input, whether a configured value or bytes received from
 * the service. The message names the field or cause and never contains a secret.
 */
public final class DpsProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public DpsProtocolException(String message) {
        super(message);
    }

    public DpsProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
