package io.kuradps.provisioning.iothub;

/**
 * What the gateway was about to send breaks one of IoT Hub's documented limits (a twin section over 32 KB, a key
 * with a dot, a method answer over 128 KB, ...). Raised before anything is sent; the message names the limit and
 * the JSON path or field that broke it, so the caller can say what to change.
 */
public final class HubLimitException extends HubProtocolException {

    private static final long serialVersionUID = 1L;

    public HubLimitException(String message) {
        super(message);
    }
}
