package io.kuradps.provisioning.iothub;

/**
 * The only exception the IoT Hub core throws for what it received (a topic, a body): the message names the part at
 * fault and never contains a secret or the whole received payload.
 */
public class HubProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public HubProtocolException(String message) {
        super(message);
    }

    public HubProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
