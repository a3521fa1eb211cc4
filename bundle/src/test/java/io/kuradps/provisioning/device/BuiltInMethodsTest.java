package io.kuradps.provisioning.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;
import io.kuradps.provisioning.protocol.FakeClock;

/** kuraDps.status and kuraDps.reprovision: what they answer, from what the provisioner says and posts. */
class BuiltInMethodsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final ProvisioningFakes.Provisioner provisioner = new ProvisioningFakes.Provisioner();
    private final ProvisioningOutcomes outcomes = new ProvisioningOutcomes();
    private final BuiltInMethods methods = new BuiltInMethods(clock, () -> provisioner,
            () -> "CONNECTED: hub hub-a.azure-devices.net as gw-1, token expires 2026-12-01T11:00:00Z",
            () -> "connected, desired $version 3, reported $version 9", outcomes);

    @Test
    void statusIsWhatDpsStatusPrintsAsJsonWithoutThePayloadDpsReturned() throws Exception {
        MethodResponse response = methods.status(request(BuiltInMethods.TIMEOUT));

        assertThat(response.status()).isEqualTo(200);
        JsonNode status = JSON.readTree(response.bodyJson().get());
        assertThat(status.get("state").asText()).isEqualTo("ASSIGNED");
        assertThat(status.at("/assignment/hub").asText()).isEqualTo("hub-a.azure-devices.net");
        assertThat(status.at("/assignment/certificate/notAfter").asText()).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(status.get("hubLink").asText()).startsWith("CONNECTED: hub hub-a.azure-devices.net");
        assertThat(status.get("deviceTwin").asText()).contains("reported $version 9");
        assertThat(response.bodyJson().get()).doesNotContain("tenantSecret").doesNotContain("idScope");
    }

    @Test
    void reprovisionAnswersWithTheNewAssignmentOnceTheRunHasEnded() throws Exception {
        provisioner.onReprovision = () -> {
            // A late event of an earlier run comes first; only the run that starts now counts.
            post(ProvisioningEvents.TOPIC_FAILED, ProvisioningEvents.ERROR_CODE, 401002);
            post(ProvisioningEvents.TOPIC_STARTED);
            provisioner.assignment = ProvisioningFakes.assignment("hub-b.azure-devices.net");
            post(ProvisioningEvents.TOPIC_ASSIGNED, ProvisioningEvents.HUB_CHANGED, true);
        };

        MethodResponse response = methods.reprovision(request(BuiltInMethods.TIMEOUT));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.bodyJson().get());
        assertThat(body.at("/assigned/hub").asText()).isEqualTo("hub-b.azure-devices.net");
        assertThat(body.get("hubChanged").asBoolean()).isTrue();
        assertThat(provisioner.reprovisions).hasValue(1);
    }

    @Test
    void aRunThatFailsIsAnswered502WithDpsCodeAndMessage() throws Exception {
        provisioner.onReprovision = () -> {
            post(ProvisioningEvents.TOPIC_STARTED);
            post(ProvisioningEvents.TOPIC_RETRYING, ProvisioningEvents.ERROR_CODE, 429);
            post(ProvisioningEvents.TOPIC_FAILED, ProvisioningEvents.ERROR_CODE, 401002,
                    ProvisioningEvents.ERROR_MESSAGE, "DPS refused the SAS token", ProvisioningEvents.RETRYABLE, false);
        };

        MethodResponse response = methods.reprovision(request(BuiltInMethods.TIMEOUT));

        assertThat(response.status()).isEqualTo(502);
        assertThat(JSON.readTree(response.bodyJson().get())).isEqualTo(JSON.readTree(
                "{\"message\":\"DPS refused the SAS token\",\"errorCode\":401002,\"retryable\":false}"));
    }

    @Test
    void aDisabledProvisionerIsNotAskedAndTheCallIsAnswered409() throws Exception {
        provisioner.state = ProvisioningStatus.State.DISABLED;

        MethodResponse response = methods.reprovision(request(BuiltInMethods.TIMEOUT));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.bodyJson().get()).contains("provisioning is disabled");
        assertThat(provisioner.reprovisions).hasValue(0);
    }

    @Test
    void aRunStillGoingBeforeTheDeadlineIsAnswered202WithTheStatus() throws Exception {
        provisioner.onReprovision = () -> post(ProvisioningEvents.TOPIC_STARTED);

        MethodResponse response = methods.reprovision(request(BuiltInMethods.ANSWER_MARGIN.plusMillis(50)));

        assertThat(response.status()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.bodyJson().get());
        assertThat(body.get("message").asText()).contains("kuraDps.status");
        assertThat(body.at("/status/state").asText()).isEqualTo("ASSIGNED");
    }

    private MethodRequest request(Duration timeout) {
        return new MethodRequest(BuiltInMethods.REPROVISION, "null", clock.instant().plus(timeout));
    }

    private void post(String topic, Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        outcomes.event(topic, properties);
    }
}
