package io.kuradps.provisioning.device;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.api.ProvisioningStatus;

/**
 * The provisioning state as JSON, as the twin's reported {@code kuraDps} and the {@code kuraDps.status} method show
 * it. Pure. Only what dps:status and the API's events show goes in: no key, token, password, nor the payload DPS
 * returned (a custom allocation's data, the integrator's to publish). Member names are valid twin keys.
 */
final class ProvisioningJson {

    private ProvisioningJson() {
    }

    /**
     * The reported {@code kuraDps}: the assignment in force (none before the first), the bundle's version and Kura's
     * (when a SystemService tells it).
     */
    static ObjectNode reported(Assignment assignment, String bundleVersion, String kuraVersion) {
        ObjectNode state = assignment == null ? object() : assignment(assignment);
        state.put("bundleVersion", bundleVersion);
        if (kuraVersion != null && !kuraVersion.isEmpty()) {
            state.put("kuraVersion", kuraVersion);
        }
        return state;
    }

    /** Hub, device id, registration id, source, substatus, when assigned and the issued certificate. */
    static ObjectNode assignment(Assignment assignment) {
        ObjectNode json = object();
        json.put("hub", assignment.assignedHub());
        json.put("deviceId", assignment.deviceId());
        json.put("registrationId", assignment.registrationId());
        json.put("source", assignment.source().propertyValue());
        assignment.substatus().ifPresent(substatus -> json.put("substatus", substatus));
        json.put("assignedAt", assignment.assignedAt().toString());
        if (assignment.certificate().isPresent()) {
            IssuedCertificate certificate = assignment.certificate().get();
            ObjectNode issued = json.putObject("certificate");
            issued.put("sha256", certificate.sha256Fingerprint());
            issued.put("notAfter", certificate.notAfter().toString());
        }
        return json;
    }

    /**
     * What {@code dps:status} prints, as JSON: the provisioner's state and assignment, its last failure and next
     * attempt, the hub link's line and the twin's.
     *
     * @param status null when the provisioner is not configured
     */
    static ObjectNode status(ProvisioningStatus status, String hubLink, String deviceTwin) {
        ObjectNode json = object();
        if (status == null) {
            json.put("state", "NOT_CONFIGURED");
        } else {
            json.put("state", status.state().name());
            json.put("since", status.since().toString());
            if (status.assignment().isPresent()) {
                json.set("assignment", assignment(status.assignment().get()));
            }
            if (status.errorCode().isPresent()) {
                ObjectNode failure = json.putObject("lastFailure");
                failure.put("attempt", status.attempt());
                failure.put("errorCode", status.errorCode().get());
                failure.put("message", status.errorMessage().orElse(""));
            }
            status.retryAt().ifPresent(at -> json.put("nextAttemptAt", at.toString()));
        }
        json.put("hubLink", hubLink);
        json.put("deviceTwin", deviceTwin);
        return json;
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
