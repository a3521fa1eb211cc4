package io.kuradps.simulator;

/**
 * An IoT Hub service operation the hub refuses, as IoT Hub's service API does: with the HTTP status it answers and
 * its six-digit error code (e.g. 404 / 404001 DeviceNotFound, 403 / 403004 DeviceMaximumQueueDepthExceeded,
 * 413 / 413001 MessageTooLarge, 400 / 400004 ArgumentInvalid). The message says why, never with a secret.
 */
public final class HubServiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;

    HubServiceException(int status, int errorCode, String message) {
        super(errorCode + " " + message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status IoT Hub's service API answers. */
    public int status() {
        return status;
    }

    /** IoT Hub's error code, the status followed by three digits. */
    public int errorCode() {
        return errorCode;
    }

    static HubServiceException deviceNotFound(String deviceId) {
        return new HubServiceException(404, 404001, "DeviceNotFound: no hub of the simulator has a device '"
                + deviceId + "'");
    }

    static HubServiceException argumentInvalid(String message) {
        return new HubServiceException(400, 400004, "ArgumentInvalid: " + message);
    }

    static HubServiceException tooLarge(String message) {
        return new HubServiceException(413, 413001, "MessageTooLarge: " + message);
    }
}
