package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ATTEMPT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_ALIAS;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_NOT_AFTER;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_CODE;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.HUB_CHANGED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ID_SCOPE;
import static io.kuradps.provisioning.api.ProvisioningEvents.PAYLOAD;
import static io.kuradps.provisioning.api.ProvisioningEvents.PREVIOUS_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.SUBSTATUS;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import io.kuradps.provisioning.api.Assignment;

/** The properties of each event and of the service registration, named as in ProvisioningEvents. */
final class ProvisioningProperties {

    private ProvisioningProperties() {
    }

    /** What the service registration carries while an assignment is in force (and the core of ASSIGNED). */
    static Map<String, Object> ofAssignment(Assignment assignment) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ASSIGNED_HUB, assignment.assignedHub());
        properties.put(DEVICE_ID, assignment.deviceId());
        properties.put(REGISTRATION_ID, assignment.registrationId());
        properties.put(ID_SCOPE, assignment.idScope());
        properties.put(SOURCE, assignment.source().propertyValue());
        properties.put(TIMESTAMP, assignment.assignedAt().toEpochMilli());
        assignment.substatus().ifPresent(substatus -> properties.put(SUBSTATUS, substatus));
        assignment.payloadJson().ifPresent(payload -> properties.put(PAYLOAD, payload));
        assignment.certificate().ifPresent(certificate -> {
            properties.put(CERTIFICATE_FINGERPRINT, certificate.sha256Fingerprint());
            properties.put(CERTIFICATE_NOT_AFTER, certificate.notAfter().toEpochMilli());
            properties.put(CERTIFICATE_KEYSTORE_PID, certificate.keystoreServicePid());
            properties.put(CERTIFICATE_ALIAS, certificate.alias());
        });
        return properties;
    }

    /** ASSIGNED: the assignment, and whether it names another hub or device than {@code previous}. */
    static Map<String, Object> assigned(Assignment assignment, Assignment previous) {
        Map<String, Object> properties = ofAssignment(assignment);
        boolean changed = previous != null && !assignment.sameTarget(previous);
        properties.put(HUB_CHANGED, changed);
        if (changed) {
            properties.put(PREVIOUS_HUB, previous.assignedHub());
        }
        return Collections.unmodifiableMap(properties);
    }

    /** STARTED. */
    static Map<String, Object> started(String idScope, String registrationId, Instant now) {
        Map<String, Object> properties = identity(idScope, registrationId, now);
        return Collections.unmodifiableMap(properties);
    }

    /** RETRYING: one attempt inside a run failed transiently; the next is due at {@code retryAt}. */
    static Map<String, Object> retrying(String idScope, String registrationId, int attempt, Instant retryAt,
            int errorCode, String errorMessage, Instant now) {
        Map<String, Object> properties = identity(idScope, registrationId, now);
        properties.put(ATTEMPT, attempt);
        properties.put(RETRY_AT, retryAt.toEpochMilli());
        properties.put(ERROR_CODE, errorCode);
        properties.put(ERROR_MESSAGE, errorMessage);
        properties.put(RETRYABLE, Boolean.TRUE);
        return Collections.unmodifiableMap(properties);
    }

    /** FAILED: {@code retryAt} is null when nothing further is scheduled. */
    static Map<String, Object> failed(String idScope, String registrationId, int attempt, int errorCode,
            String errorMessage, boolean retryable, Instant retryAt, Instant now) {
        Map<String, Object> properties = identity(idScope, registrationId, now);
        properties.put(ATTEMPT, attempt);
        properties.put(ERROR_CODE, errorCode);
        properties.put(ERROR_MESSAGE, errorMessage);
        properties.put(RETRYABLE, retryable);
        if (retryAt != null) {
            properties.put(RETRY_AT, retryAt.toEpochMilli());
        }
        return Collections.unmodifiableMap(properties);
    }

    private static Map<String, Object> identity(String idScope, String registrationId, Instant now) {
        Map<String, Object> properties = new HashMap<>();
        if (idScope != null && !idScope.isEmpty()) {
            properties.put(ID_SCOPE, idScope);
        }
        if (registrationId != null && !registrationId.isEmpty()) {
            properties.put(REGISTRATION_ID, registrationId);
        }
        properties.put(TIMESTAMP, now.toEpochMilli());
        return properties;
    }
}
