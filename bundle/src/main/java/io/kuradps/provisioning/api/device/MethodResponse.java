package io.kuradps.provisioning.api.device;

import java.util.Objects;
import java.util.Optional;

/**
 * A handler's answer to a direct method: the status the caller sees in the {@code status} field of the invocation
 * result, and a JSON body for its {@code payload} (or none). Immutable value.
 */
public final class MethodResponse {

    /** The widest status the Azure SDKs send; the hub passes the device's status through. */
    public static final int MAX_STATUS = 65535;

    private final int status;
    private final String bodyJson;

    private MethodResponse(int status, String bodyJson) {
        if (status < 0 || status > MAX_STATUS) {
            throw new IllegalArgumentException("status " + status + " is outside 0.." + MAX_STATUS);
        }
        this.status = status;
        this.bodyJson = bodyJson == null || bodyJson.isEmpty() ? null : bodyJson;
    }

    /**
     * @param bodyJson JSON text (an object, array, string, number, ...), or null for an answer without a body. It is
     *                 checked when answered: not JSON, or more than 128 KB, becomes a 500 saying so
     */
    public static MethodResponse of(int status, String bodyJson) {
        return new MethodResponse(status, bodyJson);
    }

    /** 200 with this JSON body. */
    public static MethodResponse ok(String bodyJson) {
        return new MethodResponse(200, bodyJson);
    }

    /** 200 without a body. */
    public static MethodResponse ok() {
        return new MethodResponse(200, null);
    }

    public int status() {
        return status;
    }

    /** The body as JSON text; empty for an answer without one. */
    public Optional<String> bodyJson() {
        return Optional.ofNullable(bodyJson);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MethodResponse && ((MethodResponse) other).status == status
                && Objects.equals(((MethodResponse) other).bodyJson, bodyJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, bodyJson);
    }

    @Override
    public String toString() {
        return "MethodResponse[" + status + (bodyJson == null ? ", no body" : ", " + bodyJson.length() + " chars")
                + "]";
    }
}
