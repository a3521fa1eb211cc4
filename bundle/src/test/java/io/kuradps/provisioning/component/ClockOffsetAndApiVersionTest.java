package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.protocol.ApiVersions;

/** The clock offset property kept out of the metatype, and configured api-versions limited to the known ones. */
class ClockOffsetAndApiVersionTest {

    @Test
    void clockOffsetShiftsTheComponentsClockAndIsIgnoredWhenNotANumber() {
        Instant before = Instant.now();
        assertThat(DpsProvisioner.clock(null)).isEqualTo(Clock.systemUTC());
        assertThat(DpsProvisioner.clock("soon")).isEqualTo(Clock.systemUTC());
        Instant shifted = DpsProvisioner.clock(-86_400L).instant();
        assertThat(shifted).isBefore(before.minus(Duration.ofHours(23)));
        assertThat(DpsProvisioner.clock(" 3600 ").instant()).isAfter(before.plus(Duration.ofMinutes(59)));
    }

    @Test
    void theOffsetIsNotAConfigurationFieldOfTheForm() {
        for (java.lang.reflect.Method method : DpsProvisionerConfig.class.getDeclaredMethods()) {
            assertThat(method.getName()).doesNotContain("clock");
        }
    }

    @Test
    void everyKnownApiVersionIsAcceptedAndAWellFormedUnknownOneIsRefusedByName() throws Exception {
        for (String version : ApiVersions.KNOWN) {
            assertThat(TestConfigs.identity(valid("api.version", version)).apiVersion).isEqualTo(version);
        }
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("api.version", "2020-01-01"), null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("api.version: '2020-01-01' is not one of 2019-03-31");
    }
}
