package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ClockSkewTest {

    private static final Instant DPS = Instant.parse("2026-12-01T20:35:10Z");

    @Test
    void aDeviceClockBehindIsDescribedWithBothReadings() {
        ClockSkew skew = ClockSkew.between(Instant.parse("2025-06-01T00:00:00Z"), DPS);
        assertThat(skew.offset()).isEqualTo(Duration.between(Instant.parse("2025-06-01T00:00:00Z"), DPS));
        assertThat(skew.exceedsBound()).isTrue();
        assertThat(skew.describe()).isEqualTo("The device clock reads 2025-06-01T00:00:00Z, DPS's"
                + " 2026-12-01T20:35:10Z: it is 1 year 183 days behind");
        assertThat(skew.deviceTime()).isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(skew.serviceTime()).isEqualTo(DPS);
        assertThat(skew.toString()).contains("2025-06-01T00:00:00Z", "2026-12-01T20:35:10Z");
    }

    @Test
    void aDeviceClockAheadIsDescribedAsAhead() {
        ClockSkew skew = ClockSkew.between(DPS.plus(Duration.ofDays(1)).plusSeconds(7), DPS);
        assertThat(skew.offset()).isNegative();
        assertThat(skew.exceedsBound()).isTrue();
        assertThat(skew.describe()).endsWith("it is 1 day 0 h ahead");
    }

    @Test
    void theBoundItselfIsNotBeyondIt() {
        assertThat(ClockSkew.between(DPS.minus(ClockSkew.BOUND), DPS).exceedsBound()).isFalse();
        assertThat(ClockSkew.between(DPS.plus(ClockSkew.BOUND), DPS).exceedsBound()).isFalse();
        assertThat(ClockSkew.between(DPS.minus(ClockSkew.BOUND).minusSeconds(1), DPS).exceedsBound()).isTrue();
        assertThat(ClockSkew.between(DPS, DPS).describe()).endsWith("it is on time");
    }

    @Test
    void durationsShowTheirTwoLargestUnits() {
        assertThat(ClockSkew.readable(Duration.ZERO)).isEqualTo("0 s");
        assertThat(ClockSkew.readable(Duration.ofMillis(400))).isEqualTo("0 s");
        assertThat(ClockSkew.readable(Duration.ofDays(183).minusMillis(5))).isEqualTo("183 days 0 h");
        assertThat(ClockSkew.readable(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(ClockSkew.readable(Duration.ofSeconds(6 * 60 + 12))).isEqualTo("6 min 12 s");
        assertThat(ClockSkew.readable(Duration.ofHours(3))).isEqualTo("3 h 0 min");
        assertThat(ClockSkew.readable(Duration.ofDays(2).plusHours(5).plusMinutes(9))).isEqualTo("2 days 5 h");
        assertThat(ClockSkew.readable(Duration.ofDays(366))).isEqualTo("1 year 1 day");
        assertThat(ClockSkew.readable(Duration.ofDays(56 * 365 + 3))).isEqualTo("56 years 3 days");
    }
}
