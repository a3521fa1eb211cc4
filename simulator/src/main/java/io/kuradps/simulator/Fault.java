package io.kuradps.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour the simulator can be told to show, see {@link Faults}. Answer-shaping faults (status,
 * outcome, malformed JSON, wrong $rid, oversize) only apply to register and poll requests.
 */
public sealed interface Fault {

    /** Close the connection instead of answering the packet. */
    record Drop() implements Fault {
    }

    /** Answer the packet, then close the connection. */
    record DropAfterAnswer() implements Fault {
    }

    /** Never answer the packet; the connection stays open. */
    record Silence() implements Fault {
    }

    /** Answer normally, but only after the delay. */
    record Delay(Duration delay) implements Fault {
        public Delay {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * Answer an error status with a DPS error body instead of processing the request.
     *
     * @param retryAfterSeconds null sends no retry-after
     */
    record ErrorStatus(int status, int errorCode, Integer retryAfterSeconds) implements Fault {
    }

    /**
     * Make the registration end with this terminal status ({@code failed} or {@code disabled}). On a register
     * request a disabled outcome answers at once and a failed one after the usual polls; on a poll it
     * answers at once.
     */
    record Outcome(String status, int errorCode, String errorMessage) implements Fault {
    }

    /** Answer with a body that is not valid JSON. */
    record MalformedJson() implements Fault {
    }

    /** Answer with a $rid other than the request's. */
    record WrongRequestId() implements Fault {
    }

    /** Put retry-after before $rid in the answer topic, as DPS sometimes does. */
    record RetryAfterFirst() implements Fault {
    }

    /** Pad the answer body to at least this many bytes. */
    record Oversize(int bytes) implements Fault {
    }

    public static Fault drop() {
        return new Drop();
    }

    public static Fault dropAfterAnswer() {
        return new DropAfterAnswer();
    }

    public static Fault silence() {
        return new Silence();
    }

    public static Fault delay(Duration delay) {
        return new Delay(delay);
    }

    /** 429 with retry-after (null for none), error code 429001. */
    public static Fault throttled(Integer retryAfterSeconds) {
        return new ErrorStatus(429, 429001, retryAfterSeconds);
    }

    /** 500 or 503 (or any 5xx) with error code status*1000 and no retry-after. */
    public static Fault serverError(int status) {
        return new ErrorStatus(status, status * 1000, null);
    }

    public static Fault errorStatus(int status, int errorCode, Integer retryAfterSeconds) {
        return new ErrorStatus(status, errorCode, retryAfterSeconds);
    }

    /** A failed registration, e.g. 400207 "Custom allocation failed with status code: 400". */
    public static Fault failed(int errorCode, String errorMessage) {
        return new Outcome("failed", errorCode, errorMessage);
    }

    public static Fault disabled() {
        return new Outcome("disabled", 0, null);
    }

    public static Fault malformedJson() {
        return new MalformedJson();
    }

    public static Fault wrongRequestId() {
        return new WrongRequestId();
    }

    public static Fault retryAfterFirst() {
        return new RetryAfterFirst();
    }

    public static Fault oversize(int bytes) {
        return new Oversize(bytes);
    }
}
