package io.kuradps.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesOfOneToTwenty() {
        Stats stats = Stats.of(IntStream.rangeClosed(1, 20).mapToObj(i -> (double) i).toList());

        assertThat(stats.median()).isEqualTo(10.0);
        assertThat(stats.p95()).isEqualTo(19.0);
        assertThat(stats.min()).isEqualTo(1.0);
        assertThat(stats.max()).isEqualTo(20.0);
        assertThat(stats.count()).isEqualTo(20);
    }

    @Test
    void orderOfSamplesDoesNotMatter() {
        assertThat(Stats.of(List.of(3.0, 1.0, 2.0))).isEqualTo(Stats.of(List.of(1.0, 2.0, 3.0)));
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        Stats stats = Stats.of(List.of(7.5));

        assertThat(stats.median()).isEqualTo(7.5);
        assertThat(stats.p95()).isEqualTo(7.5);
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no samples");
    }
}
