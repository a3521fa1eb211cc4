package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class TokenRenewalTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private final TokenRenewal renewal = new TokenRenewal(Duration.ofHours(1), 85);

    @Test
    void expiresAfterTheLifetimeAndRenewsAtThePercentage() {
        assertThat(renewal.expiryEpochSeconds(ISSUED)).isEqualTo(ISSUED.getEpochSecond() + 3600);
        assertThat(renewal.renewAt(ISSUED)).isEqualTo(ISSUED.plusSeconds(3060));
    }

    @Test
    void delayCountsDownToTheRenewalAndNeverGoesNegative() {
        assertThat(renewal.delay(ISSUED, ISSUED)).isEqualTo(Duration.ofSeconds(3060));
        assertThat(renewal.delay(ISSUED, ISSUED.plusSeconds(3000))).isEqualTo(Duration.ofSeconds(60));
        assertThat(renewal.delay(ISSUED, ISSUED.plusSeconds(3060))).isZero();
        assertThat(renewal.delay(ISSUED, ISSUED.plusSeconds(7200))).isZero();
    }

    @Test
    void aClockSetBackBelowTheIssueTimeRenewsAtOnce() {
        assertThat(renewal.delay(ISSUED, ISSUED.minusSeconds(1))).isZero();
    }

    @Test
    void shortLifetimesRenewBeforeExpiryToo() {
        TokenRenewal shortLived = new TokenRenewal(Duration.ofSeconds(10), 85);
        assertThat(shortLived.renewAt(ISSUED)).isEqualTo(ISSUED.plusMillis(8500))
                .isBefore(Instant.ofEpochSecond(shortLived.expiryEpochSeconds(ISSUED)));
    }

    @Test
    void takesTheFormsBoundsOfTheShareAndAPositiveLifetime() {
        assertThatThrownBy(() -> new TokenRenewal(Duration.ZERO, 85)).isInstanceOf(IllegalArgumentException.class);
        for (int outside : new int[] { HubConnectionConfig.RENEWAL_PERCENT_MIN - 1,
            HubConnectionConfig.RENEWAL_PERCENT_MAX + 1 }) {
            assertThatThrownBy(() -> new TokenRenewal(Duration.ofHours(1), outside)).as("%d %%", outside)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("renewalPercent must be 50..95");
        }
        assertThat(new TokenRenewal(Duration.ofSeconds(100), HubConnectionConfig.RENEWAL_PERCENT_MIN)
                .renewAt(ISSUED)).isEqualTo(ISSUED.plusSeconds(50));
        assertThat(new TokenRenewal(Duration.ofSeconds(100), HubConnectionConfig.RENEWAL_PERCENT_MAX)
                .renewAt(ISSUED)).isEqualTo(ISSUED.plusSeconds(95));
    }
}
