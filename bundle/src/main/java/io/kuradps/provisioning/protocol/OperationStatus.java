package io.kuradps.provisioning.protocol;

import java.util.Optional;

/** DPS's RegistrationOperationStatus: the answer to a register or poll request with a 2xx status. */
public final class OperationStatus {

    private final String operationId;
    private final RegistrationStatus status;
    private final DeviceRegistration registrationState;

    OperationStatus(String operationId, RegistrationStatus status, DeviceRegistration registrationState) {
        this.operationId = operationId;
        this.status = status;
        this.registrationState = registrationState;
    }

    /** The id to poll with; DPS sends an empty one with terminal results such as {@code disabled}. */
    public String operationId() {
        return operationId;
    }

    public RegistrationStatus status() {
        return status;
    }

    public Optional<DeviceRegistration> registrationState() {
        return Optional.ofNullable(registrationState);
    }

    @Override
    public String toString() {
        return "OperationStatus[operationId=" + operationId + ", status=" + status + ", registrationState="
                + registrationState + "]";
    }
}
