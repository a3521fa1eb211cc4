package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {

    @Test
    void errorBodiesFromRealDpsAndTheCSdkCarryTheServiceTime() throws Exception {
        assertThat(ServiceTime.of(Bodies.parseError(Vectors.bytes("payloads/real_dps_error_401000_unauthorized.json"))))
                .contains(Instant.parse("2019-11-19T21:39:05.157330400Z"));
        assertThat(ServiceTime.of(Bodies.parseError(
                Vectors.bytes("payloads/csdk_error_401002_invalid_certificate.json"))))
                .contains(Instant.parse("2020-04-10T05:24:22.471852600Z"));
    }

    @Test
    void anErrorWithoutATimeHasNone() throws Exception {
        assertThat(ServiceTime.of(Bodies.parseError(Vectors.bytes("payloads/javasdk_error_shape.json")))).isEmpty();
        assertThat(ServiceTime.of((ServiceError) null)).isEmpty();
    }

    @Test
    void aStatusAnswerCarriesItsRegistrationsLastUpdate() throws Exception {
        OperationStatus failed = Bodies.parseOperationStatus(
                Vectors.bytes("payloads/csdk_failed_400207_custom_allocation.json"));
        assertThat(ServiceTime.of(failed)).contains(Instant.parse("2020-04-10T05:24:22.471852600Z"));
        OperationStatus assigning = Bodies.parseOperationStatus(Vectors.bytes("payloads/csdk_assigning.json"));
        assertThat(ServiceTime.of(assigning)).as("no registrationState, no time").isEmpty();
    }

    @Test
    void offsetsAndAMissingZoneAreUnderstood() {
        assertThat(ServiceTime.parse("2026-12-01T21:35:10.5+01:00")).contains(Instant.parse("2026-12-01T20:35:10.5Z"));
        assertThat(ServiceTime.parse(" 2026-12-01T20:35:10 ")).as("UTC, as the field names say")
                .contains(Instant.parse("2026-12-01T20:35:10Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "yesterday", "2026-13-01T00:00:00Z", "1733085310", "2026-12-01" })
    void anUnreadableTimeIsNoReading(String timestamp) {
        assertThat(ServiceTime.parse(timestamp)).isEmpty();
        assertThat(ServiceTime.parse(null)).isEmpty();
    }
}
