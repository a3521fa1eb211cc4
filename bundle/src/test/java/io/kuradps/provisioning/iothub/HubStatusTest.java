package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubStatusTest {

    @Test
    void theStatusesMicrosoftListsForTwinAnswersAreClassified() {
        // "Communicate with an IoT hub using the MQTT protocol": 200, 204 success; 400 malformed; 429; 5**.
        assertThat(HubStatus.of(200)).isEqualTo(HubStatus.SUCCESS);
        assertThat(HubStatus.of(204)).isEqualTo(HubStatus.SUCCESS);
        assertThat(HubStatus.of(400)).isEqualTo(HubStatus.REFUSED);
        assertThat(HubStatus.of(429)).isEqualTo(HubStatus.THROTTLED);
        assertThat(HubStatus.of(500)).isEqualTo(HubStatus.SERVER_ERROR);
        assertThat(HubStatus.of(503)).isEqualTo(HubStatus.SERVER_ERROR);
        assertThat(HubStatus.of(504)).isEqualTo(HubStatus.SERVER_ERROR);
        assertThat(HubStatus.of(408)).isEqualTo(HubStatus.SERVER_ERROR);
        assertThat(HubStatus.of(413)).isEqualTo(HubStatus.REFUSED);
        assertThat(HubStatus.of(302)).isEqualTo(HubStatus.UNEXPECTED);
        assertThat(HubStatus.of(100)).isEqualTo(HubStatus.UNEXPECTED);
        assertThat(HubStatus.THROTTLED.retryable()).isTrue();
        assertThat(HubStatus.SERVER_ERROR.retryable()).isTrue();
        assertThat(HubStatus.REFUSED.retryable()).isFalse();
        assertThat(HubStatus.SUCCESS.retryable()).isFalse();
    }

    @Test
    void statusesAreDescribedForMessages() {
        assertThat(HubStatus.describe(429)).isEqualTo("429 (throttled)");
        assertThat(HubStatus.describe(400)).isEqualTo("400 (bad request: malformed JSON or a limit broken)");
        assertThat(HubStatus.describe(401)).isEqualTo("401 (unauthorized)");
        assertThat(HubStatus.describe(404)).isEqualTo("404 (not found)");
        assertThat(HubStatus.describe(413)).isEqualTo("413 (too large)");
        assertThat(HubStatus.describe(503)).isEqualTo("503 (server error)");
        assertThat(HubStatus.describe(302)).isEqualTo("302 (unexpected)");
    }
}
