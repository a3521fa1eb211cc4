package io.kuradps.provisioning.protocol;

import java.util.Optional;

/** The body DPS sends with a non-2xx response status. */
public final class ServiceError {

    private final int errorCode;
    private final String trackingId;
    private final String message;
    private final String timestampUtc;

    ServiceError(int errorCode, String trackingId, String message, String timestampUtc) {
        this.errorCode = errorCode;
        this.trackingId = trackingId;
        this.message = message;
        this.timestampUtc = timestampUtc;
    }

    /** Usually six digits whose first three are the HTTP status (e.g. 401002); some services send three. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status the error code stands for. */
    public int httpStatus() {
        return errorCode >= 100_000 ? errorCode / 1000 : errorCode;
    }

    /** Quote it to Azure support: it identifies the request in the service's logs. */
    public Optional<String> trackingId() {
        return Optional.ofNullable(trackingId);
    }

    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    public Optional<String> timestampUtc() {
        return Optional.ofNullable(timestampUtc);
    }

    @Override
    public String toString() {
        return "ServiceError[errorCode=" + errorCode + ", trackingId=" + trackingId + ", message=" + message
                + ", timestampUtc=" + timestampUtc + "]";
    }
}
