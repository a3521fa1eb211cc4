package io.kuradps.provisioning.component;

import java.util.Objects;
import java.util.Optional;

import io.kuradps.provisioning.api.Assignment;

/** How one registration run ended: an assignment, or a failure with what to tell the user. */
final class RegistrationResult {

    private final Assignment assignment;
    private final int errorCode;
    private final String errorMessage;
    private final boolean retryable;
    private final int attempts;

    private RegistrationResult(Assignment assignment, int errorCode, String errorMessage, boolean retryable,
            int attempts) {
        this.assignment = assignment;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.retryable = retryable;
        this.attempts = attempts;
    }

    static RegistrationResult assigned(Assignment assignment, int attempts) {
        return new RegistrationResult(Objects.requireNonNull(assignment), 0, null, false, attempts);
    }

    /** @param message what went wrong and what to check; must not contain secrets */
    static RegistrationResult failed(int errorCode, String message, boolean retryable, int attempts) {
        return new RegistrationResult(null, errorCode, Objects.requireNonNull(message), retryable, attempts);
    }

    Optional<Assignment> assignment() {
        return Optional.ofNullable(assignment);
    }

    int errorCode() {
        return errorCode;
    }

    String errorMessage() {
        return errorMessage;
    }

    boolean retryable() {
        return retryable;
    }

    /** How many registrations (connections) the run made. */
    int attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return assignment != null ? "assigned " + assignment
                : "failed code=" + errorCode + " retryable=" + retryable + " after " + attempts + " attempt(s): "
                        + errorMessage;
    }
}
