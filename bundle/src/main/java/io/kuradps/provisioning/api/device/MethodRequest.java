package io.kuradps.provisioning.api.device;

import java.time.Instant;
import java.util.Objects;

/** One direct method call as a handler gets it: the name, the JSON payload, the deadline. Immutable value. */
public final class MethodRequest {

    private final String methodName;
    private final String payloadJson;
    private final Instant deadline;

    /**
     * @param methodName  the method's name as invoked
     * @param payloadJson the payload as JSON text exactly as sent; {@code null} (the JSON text) when the call had no
     *                    payload
     * @param deadline    when the answer is due (see {@link DirectMethodHandler})
     * @throws IllegalArgumentException naming the first missing value
     */
    public MethodRequest(String methodName, String payloadJson, Instant deadline) {
        if (methodName == null || methodName.isEmpty()) {
            throw new IllegalArgumentException("methodName is required");
        }
        if (payloadJson == null || payloadJson.isEmpty()) {
            throw new IllegalArgumentException("payloadJson is required (the JSON text null for none)");
        }
        if (deadline == null) {
            throw new IllegalArgumentException("deadline is required");
        }
        this.methodName = methodName;
        this.payloadJson = payloadJson;
        this.deadline = deadline;
    }

    public String methodName() {
        return methodName;
    }

    /** The payload as JSON text, e.g. {@code {"delaySeconds":5}}; {@code null} when the call carried none. */
    public String payloadJson() {
        return payloadJson;
    }

    /** When the answer is due; a handler still running then is answered 504 for. */
    public Instant deadline() {
        return deadline;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof MethodRequest)) {
            return false;
        }
        MethodRequest that = (MethodRequest) other;
        return methodName.equals(that.methodName) && payloadJson.equals(that.payloadJson)
                && deadline.equals(that.deadline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(methodName, payloadJson, deadline);
    }

    @Override
    public String toString() {
        return "MethodRequest[" + methodName + ", " + payloadJson.length() + " chars of payload, due " + deadline
                + "]";
    }
}
