package io.kuradps.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HubReconnectSimulationTest {

    private static final Duration HORIZON = Duration.ofDays(1);

    @Test
    void withoutJitterTheFleetComesBackInLockStepOneBucketPerRound() {
        HubReconnectSimulation.Result result = new HubReconnectSimulation(
                HubReconnectSimulation.Model.fleet(1_000, 100), ReconnectPolicy.PREVIOUS).run(HORIZON);

        // Every gateway tries at 5 s, then 10, 20, 40, 80, 160 and 300 s after each refusal (each answered 10 ms
        // after it left); the full bucket admits 100 per round, so the tenth round, 1,510 s of waits and ten
        // connects after the loss, brings the last 100 back.
        assertThat(result.allReconnected()).isTrue();
        assertThat(result.makespanSeconds()).isCloseTo(5 + 1510 + 10 * 0.01, within(1e-9));
        assertThat(result.attemptsPerGateway()).isEqualTo(5.5);
        assertThat(result.maxAttempts()).isEqualTo(10);
    }

    @Test
    void oursGetsEveryGatewayBackNoSoonerThanTheBucketAllowsAndTheSameSeedRepeatsTheRun() {
        HubReconnectSimulation.Model model = HubReconnectSimulation.Model.fleet(1_000, 100);
        HubReconnectSimulation.Result result = new HubReconnectSimulation(model, ReconnectPolicy.OURS).run(HORIZON);
        HubReconnectSimulation.Result again = new HubReconnectSimulation(model, ReconnectPolicy.OURS).run(HORIZON);

        assertThat(result.allReconnected()).isTrue();
        // A full bucket lets 100 through at once; after that, 100 a second.
        assertThat(result.makespanSeconds()).isGreaterThanOrEqualTo((1_000 - 100) / 100.0);
        assertThat(Arrays.stream(result.attempts()).min().getAsInt()).isEqualTo(1);
        assertThat(again.reconnectedSeconds()).isEqualTo(result.reconnectedSeconds());
        assertThat(again.attempts()).isEqualTo(result.attempts());
    }

    @Test
    void aGatewayAloneIsRefusedWhileItsHubIsAwayAndBackAtItsFirstAttemptAfter() {
        HubReconnectSimulation.Model away10s = new HubReconnectSimulation.Model(1, 100, Duration.ofSeconds(10), 7);
        HubReconnectSimulation.Result previous = new HubReconnectSimulation(away10s, ReconnectPolicy.PREVIOUS)
                .run(HORIZON);
        // Refused at 5 s, admitted at the next attempt, 10 s after that answer.
        assertThat(previous.makespanSeconds()).isCloseTo(15.02, within(1e-9));
        assertThat(previous.attempts()).containsExactly(2);

        HubReconnectSimulation.Result kura = new HubReconnectSimulation(away10s, ReconnectPolicy.KURA_AUTO_CONNECT)
                .run(HORIZON);
        // Kura's first attempt comes within 1 to 11 s; refused, the next comes 60 s after the first.
        double first = kura.makespanSeconds() - 0.01 - (kura.attempts()[0] - 1) * 60;
        assertThat(first).isBetween(1.0, 11.0);
        assertThat(first % 1).isCloseTo(0, within(1e-9));
    }

    @Test
    void aSectionIsReplacedUpToTheNextHeadingOrAppended() {
        String report = "# results\n\n## 8. Hub\n\neight\n\n## 9. Old\n\nold\n\n## 10. After\n\nten\n";

        assertThat(BenchMain.replaceSection(report, "## 9. ", "## 9. New\n\nnew\n\n"))
                .isEqualTo("# results\n\n## 8. Hub\n\neight\n\n## 9. New\n\nnew\n\n## 10. After\n\nten\n");
        assertThat(BenchMain.replaceSection("# results\n\n## 9. Old\n\nold\n", "## 9. ", "## 9. New\n"))
                .isEqualTo("# results\n\n## 9. New\n");
        assertThat(BenchMain.replaceSection("# results\n", "## 9. ", "## 9. New\n"))
                .isEqualTo("# results\n\n## 9. New\n");
    }
}
