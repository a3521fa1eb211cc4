package io.kuradps.provisioning.component;

import java.util.Objects;
import java.util.Optional;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.protocol.Failure;

/** How one registration run ended: an assignment, or the protocol's failure as it was classified. */
final class RunOutcome {

    private final Assignment assignment;
    private final Failure failure;
    private final int attempt;

    private RunOutcome(Assignment assignment, Failure failure, int attempt) {
        this.assignment = assignment;
        this.failure = failure;
        this.attempt = attempt;
    }

    static RunOutcome assigned(Assignment assignment) {
        return new RunOutcome(Objects.requireNonNull(assignment), null, 0);
    }

    /** @param attempt the number of the attempt that failed (counted as on RETRYING), which ended the run */
    static RunOutcome failed(Failure failure, int attempt) {
        return new RunOutcome(null, Objects.requireNonNull(failure), attempt);
    }

    Optional<Assignment> assignment() {
        return Optional.ofNullable(assignment);
    }

    Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** For a failure, the number of the attempt that ended the run; 0 for an assignment. */
    int attempt() {
        return attempt;
    }

    @Override
    public String toString() {
        return assignment != null ? "assigned " + assignment : "failed at attempt " + attempt + ": " + failure;
    }
}
