package io.kuradps.provisioning.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of what the provisioner is doing: its state, the assignment it holds (if any) and the last
 * failure. Immutable.
 */
public final class ProvisioningStatus {

    public enum State {
        /** The configuration has {@code enabled=false}; nothing is attempted. */
        DISABLED,
        /** Nothing in flight: either assigned, or waiting for a request. */
        IDLE,
        /** A registration with DPS is in flight. */
        PROVISIONING,
        /** The last registration failed for a transient reason; another one is scheduled. */
        RETRYING,
        /** The gateway holds an assignment and no registration is in flight. */
        ASSIGNED,
        /** The last registration or the configuration failed and nothing further is scheduled. */
        FAILED
    }

    private final State state;
    private final Assignment assignment;
    private final int attempt;
    private final Integer errorCode;
    private final String errorMessage;
    private final Instant retryAt;
    private final Instant since;

    private ProvisioningStatus(State state, Assignment assignment, int attempt, Integer errorCode, String errorMessage,
            Instant retryAt, Instant since) {
        this.state = Objects.requireNonNull(state, "state");
        this.assignment = assignment;
        this.attempt = attempt;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.retryAt = retryAt;
        this.since = Objects.requireNonNull(since, "since");
    }

    /** A status without failure details. */
    public static ProvisioningStatus of(State state, Assignment assignment, Instant since) {
        return new ProvisioningStatus(state, assignment, 0, null, null, null, since);
    }

    /** A status that reports a failure ({@code retryAt} null when nothing further is scheduled). */
    public static ProvisioningStatus failed(State state, Assignment assignment, int attempt, int errorCode,
            String errorMessage, Instant retryAt, Instant since) {
        return new ProvisioningStatus(state, assignment, attempt, errorCode, errorMessage, retryAt, since);
    }

    public State state() {
        return state;
    }

    /** The assignment in force: fresh from DPS or loaded from the cache. */
    public Optional<Assignment> assignment() {
        return Optional.ofNullable(assignment);
    }

    /** Which attempt the failure details belong to, as {@link ProvisioningEvents#ATTEMPT} counts (0 when none). */
    public int attempt() {
        return attempt;
    }

    /** The DPS error code (e.g. 401002), an HTTP-like status, or 0 for a local cause; empty when no failure. */
    public Optional<Integer> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }

    /** When the next attempt (in state RETRYING within a run) or the next run is due, if one is scheduled. */
    public Optional<Instant> retryAt() {
        return Optional.ofNullable(retryAt);
    }

    /** When this state was entered. */
    public Instant since() {
        return since;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ProvisioningStatus)) {
            return false;
        }
        ProvisioningStatus that = (ProvisioningStatus) o;
        return state == that.state && attempt == that.attempt && Objects.equals(assignment, that.assignment)
                && Objects.equals(errorCode, that.errorCode) && Objects.equals(errorMessage, that.errorMessage)
                && Objects.equals(retryAt, that.retryAt) && since.equals(that.since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, assignment, attempt, errorCode, errorMessage, retryAt, since);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("state=").append(state).append(" since ").append(since);
        if (assignment != null) {
            text.append("\nassignment: hub=").append(assignment.assignedHub())
                    .append(" deviceId=").append(assignment.deviceId())
                    .append(" source=").append(assignment.source().propertyValue())
                    .append(" assignedAt=").append(assignment.assignedAt());
        } else {
            text.append("\nassignment: none");
        }
        if (errorCode != null) {
            text.append("\nlast failure (attempt ").append(attempt).append("): code=").append(errorCode)
                    .append(' ').append(errorMessage);
        }
        if (retryAt != null) {
            text.append("\nnext attempt at ").append(retryAt);
        }
        return text.toString();
    }
}
