package io.kuradps.provisioning.iothub;

/**
 * What the status of a twin answer means for the request (Microsoft's MQTT guide: 200 and 204 success, 400 a
 * malformed patch, 429 throttled, 5xx server errors; IoT Hub's common error codes for the other 4xx).
 */
public enum HubStatus {
    /** 2xx: done. */
    SUCCESS(false),
    /** 429: too many requests; send again after a backoff, which grows while the hub keeps answering 429. */
    THROTTLED(true),
    /** 5xx (and 408): the service failed this time; send again after a backoff. */
    SERVER_ERROR(true),
    /** 400, 413 and other 4xx: the same request would be refused again; give it up and say why. */
    REFUSED(false),
    /** 1xx and 3xx: nothing IoT Hub documents; treated as a refusal. */
    UNEXPECTED(false);

    private final boolean retryable;

    HubStatus(boolean retryable) {
        this.retryable = retryable;
    }

    public static HubStatus of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 429) {
            return THROTTLED;
        }
        if (status >= 500 && status < 600 || status == 408) {
            return SERVER_ERROR;
        }
        if (status >= 400 && status < 500) {
            return REFUSED;
        }
        return UNEXPECTED;
    }

    /** Whether sending the same request again later may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** A few words for a status, for messages: {@code 429 (throttled)}. */
    public static String describe(int status) {
        switch (status) {
            case 400:
                return "400 (bad request: malformed JSON or a limit broken)";
            case 401:
                return "401 (unauthorized)";
            case 404:
                return "404 (not found)";
            case 413:
                return "413 (too large)";
            case 429:
                return "429 (throttled)";
            default:
                return status + " (" + of(status).name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
        }
    }
}
