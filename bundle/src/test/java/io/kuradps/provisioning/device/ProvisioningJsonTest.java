package io.kuradps.provisioning.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.iothub.TwinLimits;

/** The reported provisioning state and the status as JSON: every field the README names, nothing else. */
class ProvisioningJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theReportedStateHoldsTheAssignmentTheCertificateAndTheVersions() throws Exception {
        assertThat(ProvisioningJson.reported(ProvisioningFakes.assignment("hub-a.azure-devices.net"), "0.1.0.x",
                "KURA_5.5.0")).isEqualTo(JSON.readTree("{\"hub\":\"hub-a.azure-devices.net\",\"deviceId\":\"gw-1\","
                        + "\"registrationId\":\"gw-1\",\"source\":\"dps\",\"substatus\":\"initialAssignment\","
                        + "\"assignedAt\":\"2026-12-01T09:00:00Z\",\"certificate\":{\"sha256\":\"AB:CD\","
                        + "\"notAfter\":\"2027-01-01T00:00:00Z\"},\"bundleVersion\":\"0.1.0.x\","
                        + "\"kuraVersion\":\"KURA_5.5.0\"}"));
    }

    @Test
    void beforeAnAssignmentOrWithoutKurasVersionOnlyWhatIsKnownIsThere() throws Exception {
        assertThat(ProvisioningJson.reported(null, "0.1.0", null)).isEqualTo(JSON.readTree(
                "{\"bundleVersion\":\"0.1.0\"}"));
        Assignment cached = ProvisioningFakes.assignment("h").toBuilder().substatus(null).certificate(null).build()
                .withSource(Assignment.Source.CACHE);
        assertThat(ProvisioningJson.assignment(cached).fieldNames()).toIterable().containsExactly("hub", "deviceId",
                "registrationId", "source", "assignedAt");
    }

    @Test
    void theReportedStateIsAValidTwinSection() throws Exception {
        TwinLimits.checkSection(JSON.createObjectNode().set("kuraDps", ProvisioningJson.reported(
                ProvisioningFakes.assignment("hub-a.azure-devices.net"), "0.1.0.x", "KURA_5.5.0")), "reported");
    }

    @Test
    void aStatusWithoutAProvisionerSaysSo() throws Exception {
        assertThat(ProvisioningJson.status(null, "not configured", "not connected")).isEqualTo(JSON.readTree(
                "{\"state\":\"NOT_CONFIGURED\",\"hubLink\":\"not configured\",\"deviceTwin\":\"not connected\"}"));
        ProvisioningStatus failed = ProvisioningStatus.failed(ProvisioningStatus.State.RETRYING, null, 2, 429,
                "throttled", ProvisioningFakes.ASSIGNED_AT, ProvisioningFakes.ASSIGNED_AT);
        assertThat(ProvisioningJson.status(failed, "-", "-").get("lastFailure")).isEqualTo(JSON.readTree(
                "{\"attempt\":2,\"errorCode\":429,\"message\":\"throttled\"}"));
        assertThat(ProvisioningJson.status(failed, "-", "-").get("nextAttemptAt").asText())
                .isEqualTo("2026-12-01T09:00:00Z");
    }
}
