package io.kuradps.provisioning.iothub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.kuradps.provisioning.protocol.FakeClock;

class PendingRequestsTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final PendingRequests<String> pending = new PendingRequests<>(clock, new Random(1), Duration.ofSeconds(10));

    @Test
    void answersMatchTheirRequestOnceAndUnknownRidsMatchNothing() {
        PendingRequests.Pending<String> get = pending.add("GET");
        PendingRequests.Pending<String> patch = pending.add("PATCH");

        assertThat(get.rid()).isNotEqualTo(patch.rid()).matches("[0-9a-f]+-1");
        assertThat(pending.complete(patch.rid()).get().request()).isEqualTo("PATCH");
        assertThat(pending.complete(patch.rid())).isEmpty();
        assertThat(pending.complete("1")).isEmpty();
        assertThat(pending.outstanding()).extracting(PendingRequests.Pending::request).containsExactly("GET");
    }

    @Test
    void ridsOfAnotherSessionNeverMatch() {
        PendingRequests<String> other = new PendingRequests<>(clock, new Random(2), Duration.ofSeconds(10));
        assertThat(pending.complete(other.add("GET").rid())).isEmpty();
    }

    @Test
    void deadlinesComeFromTheInjectedClock() {
        PendingRequests.Pending<String> first = pending.add("first");
        clock.advance(Duration.ofSeconds(4));
        pending.add("second");
        assertThat(pending.nextDeadline()).contains(first.deadline());
        assertThat(first.deadline()).isEqualTo(Instant.parse("2026-12-01T10:00:10Z"));

        clock.advance(Duration.ofSeconds(6));
        assertThat(pending.expire()).extracting(PendingRequests.Pending::request).containsExactly("first");
        assertThat(pending.expire()).isEmpty();
        clock.advance(Duration.ofSeconds(4));
        assertThat(pending.expire()).extracting(PendingRequests.Pending::request).containsExactly("second");
        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.nextDeadline()).isEmpty();
    }

    @Test
    void aLostConnectionClearsEverything() {
        pending.add("a");
        pending.add("b");
        assertThat(pending.clear()).hasSize(2);
        assertThat(pending.isEmpty()).isTrue();
        assertThat(pending.add("c").toString()).contains("request=c");
        assertThatThrownBy(() -> new PendingRequests<>(clock, new Random(), Duration.ZERO))
                .hasMessageContaining("must be positive");
    }
}
