package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.AssignmentStoreTest.assignment;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.ProvisioningEvents;
import org.junit.jupiter.api.Test;

class ProvisioningPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-11-26T07:00:00Z");

    @Test
    void assignmentCarriesEveryNamedProperty() {
        Map<String, Object> properties =
                ProvisioningProperties.ofAssignment(assignment("hub-a.azure-devices.net", Assignment.Source.DPS));

        assertThat(properties)
                .containsEntry(ProvisioningEvents.ASSIGNED_HUB, "hub-a.azure-devices.net")
                .containsEntry(ProvisioningEvents.DEVICE_ID, "gateway-1")
                .containsEntry(ProvisioningEvents.REGISTRATION_ID, "gateway-1")
                .containsEntry(ProvisioningEvents.ID_SCOPE, "0ne00000001")
                .containsEntry(ProvisioningEvents.SUBSTATUS, "initialAssignment")
                .containsEntry(ProvisioningEvents.SOURCE, "dps")
                .containsEntry(ProvisioningEvents.PAYLOAD, "{\"tier\":\"gold\"}")
                .containsEntry(ProvisioningEvents.TIMESTAMP, Instant.parse("2026-11-26T06:00:00Z").toEpochMilli());
    }

    @Test
    void cachedAssignmentSaysSo() {
        assertThat(ProvisioningProperties.ofAssignment(assignment("hub-a", Assignment.Source.CACHE)))
                .containsEntry(ProvisioningEvents.SOURCE, "cache");
    }

    @Test
    void hubChangeIsSignalledWithThePreviousHub() {
        Map<String, Object> changed = ProvisioningProperties.assigned(assignment("hub-b", Assignment.Source.DPS),
                assignment("hub-a", Assignment.Source.CACHE));
        Map<String, Object> same = ProvisioningProperties.assigned(assignment("hub-a", Assignment.Source.DPS),
                assignment("hub-a", Assignment.Source.CACHE));
        Map<String, Object> first = ProvisioningProperties.assigned(assignment("hub-a", Assignment.Source.DPS), null);

        assertThat(changed).containsEntry(ProvisioningEvents.HUB_CHANGED, true)
                .containsEntry(ProvisioningEvents.PREVIOUS_HUB, "hub-a");
        assertThat(same).containsEntry(ProvisioningEvents.HUB_CHANGED, false)
                .doesNotContainKey(ProvisioningEvents.PREVIOUS_HUB);
        assertThat(first).containsEntry(ProvisioningEvents.HUB_CHANGED, false);
    }

    @Test
    void failureAndRetryCarryCodeMessageAttemptAndTime() {
        Instant retryAt = NOW.plusSeconds(3);
        Map<String, Object> retrying = ProvisioningProperties.retrying("0ne00000001", "gateway-1", 2, retryAt, 429,
                "THROTTLED", NOW);
        Map<String, Object> failed = ProvisioningProperties.failed("0ne00000001", "gateway-1", 1, 401002,
                "UNAUTHORIZED", false, null, NOW);

        assertThat(retrying).containsEntry(ProvisioningEvents.ATTEMPT, 2)
                .containsEntry(ProvisioningEvents.RETRY_AT, retryAt.toEpochMilli())
                .containsEntry(ProvisioningEvents.ERROR_CODE, 429)
                .containsEntry(ProvisioningEvents.RETRYABLE, true)
                .containsEntry(ProvisioningEvents.TIMESTAMP, NOW.toEpochMilli());
        assertThat(failed).containsEntry(ProvisioningEvents.ERROR_CODE, 401002)
                .containsEntry(ProvisioningEvents.ERROR_MESSAGE, "UNAUTHORIZED")
                .containsEntry(ProvisioningEvents.RETRYABLE, false)
                .containsEntry(ProvisioningEvents.REGISTRATION_ID, "gateway-1")
                .doesNotContainKey(ProvisioningEvents.RETRY_AT);
    }

    @Test
    void serviceCarriesTheAssignmentOnlyWhenThereIsOne() {
        assertThat(java.util.Collections.list(DpsProvisioner.serviceProperties(null).keys()))
                .doesNotContain(ProvisioningEvents.ASSIGNED_HUB);
        assertThat(DpsProvisioner.serviceProperties(assignment("hub-a", Assignment.Source.DPS))
                .get(ProvisioningEvents.ASSIGNED_HUB)).isEqualTo("hub-a");
    }
}
