package io.kuradps.provisioning.protocol;

import java.util.Locale;

/** The status of a registration operation as DPS reports it. */
public enum RegistrationStatus {
    UNASSIGNED, ASSIGNING, ASSIGNED, FAILED, DISABLED;

    /** Assigned, failed and disabled end an operation; the others mean "ask again later". */
    public boolean isTerminal() {
        return this == ASSIGNED || this == FAILED || this == DISABLED;
    }

    /** The lowercase name DPS uses in JSON. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RegistrationStatus fromJson(String value, String field) throws DpsProtocolException {
        for (RegistrationStatus status : values()) {
            if (status.jsonName().equals(value)) {
                return status;
            }
        }
        throw new DpsProtocolException(field + ": unknown status '" + value
                + "' (expected unassigned, assigning, assigned, failed or disabled)");
    }
}
