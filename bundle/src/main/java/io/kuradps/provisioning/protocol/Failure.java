package io.kuradps.provisioning.protocol;

import java.util.Optional;

/**
 * One classified failure: what DPS (or the local side) said, whether trying again can help, and what a person
 * should check. Never holds a secret.
 */
public final class Failure {

    private final int code;
    private final FailureKind kind;
    private final boolean retryable;
    private final String message;
    private final String explanation;
    private final String trackingId;
    private final boolean clockSuspected;

    /** Normally made by the flow; a driver or a test may report one of its own. Must not contain a secret. */
    public Failure(int code, FailureKind kind, boolean retryable, String message, String explanation,
            String trackingId) {
        this(code, kind, retryable, message, explanation, trackingId, false);
    }

    /** @param clockSuspected a wrong device clock may be the cause; see {@link #clockSuspected()} */
    public Failure(int code, FailureKind kind, boolean retryable, String message, String explanation,
            String trackingId, boolean clockSuspected) {
        this.code = code;
        this.kind = kind;
        this.retryable = retryable;
        this.message = message;
        this.explanation = explanation;
        this.trackingId = trackingId;
        this.clockSuspected = clockSuspected;
    }

    /** DPS's errorCode (e.g. 401002), else the response status, else 0 for local causes. */
    public int code() {
        return code;
    }

    public FailureKind kind() {
        return kind;
    }

    /** True when the same configuration may succeed later; false when something must be changed first. */
    public boolean retryable() {
        return retryable;
    }

    /** What DPS or the transport said, as received. */
    public String message() {
        return message;
    }

    /** What a person should check or expect, in plain words. */
    public String explanation() {
        return explanation;
    }

    /** DPS's tracking id, to quote to Azure support. */
    public Optional<String> trackingId() {
        return Optional.ofNullable(trackingId);
    }

    /**
     * True when a wrong device clock may be the cause: a run once the clock has been set may succeed, so it is
     * worth one as soon as Kura's clock service says it has set the clock.
     */
    public boolean clockSuspected() {
        return clockSuspected;
    }

    /** What DPS said and what to check, in one line for events, status and logs. */
    public String summary() {
        String said = message == null ? "" : message;
        String hint = explanation == null ? "" : explanation;
        String text = said.isEmpty() ? hint : hint.isEmpty() ? said : said + " - " + hint;
        return kind + (text.isEmpty() ? "" : ": " + text)
                + (trackingId == null ? "" : " (trackingId " + trackingId + ")");
    }

    @Override
    public String toString() {
        return "Failure[" + kind + ", code=" + code + ", retryable=" + retryable
                + (clockSuspected ? ", clock suspected" : "") + ", message=" + message
                + (trackingId == null ? "" : ", trackingId=" + trackingId) + ", explanation=" + explanation + "]";
    }
}
