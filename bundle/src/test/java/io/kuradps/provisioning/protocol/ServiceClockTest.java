package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ServiceClockTest {

    private static final Instant DPS = Instant.parse("2026-12-01T20:35:10Z");
    private static final Duration HALF_YEAR = Duration.ofDays(183);

    private final FakeClock device = new FakeClock(DPS.minus(HALF_YEAR));
    private final ServiceClock clock = new ServiceClock(device);

    @Test
    void untilMeasuredItReadsTheDeviceClock() {
        assertThat(clock.instant()).isEqualTo(device.instant());
        assertThat(clock.offset()).isZero();
        assertThat(clock.basis()).isEqualTo(ServiceClock.Basis.UNCONFIRMED);
        assertThat(clock.deviceClockConfirmed()).isFalse();
        assertThat(clock.lastMeasurement()).isEmpty();
        assertThat(clock.device()).isSameAs(device);
    }

    @Test
    void aDeviceClockBehindIsCorrectedByDpssReadingAndStaysCorrectedAsTimePasses() {
        ClockSkew skew = clock.observe(DPS);
        assertThat(skew.offset()).isEqualTo(HALF_YEAR);
        assertThat(clock.instant()).isEqualTo(DPS);
        device.advance(Duration.ofMinutes(30));
        assertThat(clock.instant()).isEqualTo(DPS.plus(Duration.ofMinutes(30)));
        assertThat(clock.basis()).isEqualTo(ServiceClock.Basis.MEASURED);
        assertThat(clock.deviceClockConfirmed()).as("the device clock itself is wrong").isFalse();
        assertThat(clock.lastMeasurement()).contains(skew);
    }

    @Test
    void aDeviceClockAheadIsCorrectedToo() {
        FakeClock ahead = new FakeClock(DPS.plus(HALF_YEAR));
        ServiceClock corrected = new ServiceClock(ahead);
        corrected.observe(DPS);
        assertThat(corrected.offset()).isEqualTo(HALF_YEAR.negated());
        assertThat(corrected.instant()).isEqualTo(DPS);
    }

    @Test
    void aReadingWithinTheBoundConfirmsTheClockAndLeavesTheOffsetAlone() {
        device.set(DPS.minus(ClockSkew.BOUND));
        clock.observe(DPS);
        assertThat(clock.offset()).isZero();
        assertThat(clock.deviceClockConfirmed()).isTrue();

        clock.observe(DPS.plus(HALF_YEAR));
        Duration corrected = clock.offset();
        clock.observe(DPS.plus(HALF_YEAR).plus(Duration.ofMinutes(2)));
        assertThat(clock.offset()).as("two minutes are within what a measurement may be off by")
                .isEqualTo(corrected);
    }

    @Test
    void adoptingTakesDpssTimeWhateverTheDifference() {
        device.set(DPS.minusSeconds(90));
        clock.adopt(DPS);
        assertThat(clock.offset()).isEqualTo(Duration.ofSeconds(90));
        assertThat(clock.instant()).isEqualTo(DPS);
    }

    @Test
    void aCorrectionThatNoLongerFitsIsReplacedWhenTheDeviceClockIsSetWithoutNotice() {
        clock.observe(DPS);
        device.set(DPS);
        assertThat(clock.instant()).as("stale: half a year ahead").isEqualTo(DPS.plus(HALF_YEAR));
        clock.observe(DPS);
        assertThat(clock.offset()).isZero();
        assertThat(clock.instant()).isEqualTo(DPS);
    }

    @Test
    void theClockServiceSettingTheClockEndsTheCorrection() {
        clock.observe(DPS);
        device.set(DPS);
        clock.clockSet();
        assertThat(clock.instant()).isEqualTo(DPS);
        assertThat(clock.basis()).isEqualTo(ServiceClock.Basis.SET_BY_CLOCK_SERVICE);
        assertThat(clock.deviceClockConfirmed()).isTrue();
        assertThat(clock.lastMeasurement()).isEmpty();
    }

    @Test
    void anotherZoneSharesTheCorrection() {
        ServiceClock utc = new ServiceClock(Clock.fixed(DPS.minus(HALF_YEAR), ZoneOffset.UTC));
        Clock paris = utc.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(utc.getZone()).isEqualTo(ZoneOffset.UTC);
        utc.observe(DPS);
        assertThat(paris.instant()).isEqualTo(DPS);
        assertThat(utc.toString()).contains("MEASURED", "offset=PT4392H");
    }
}
