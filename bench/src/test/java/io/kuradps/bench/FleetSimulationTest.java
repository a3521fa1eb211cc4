package io.kuradps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetSimulationTest {

    private static final FleetSimulation.Model MODEL = FleetSimulation.Model.of(300, 20);

    @Test
    void ourFlowGetsEveryGatewayAssignedNoFasterThanTheThrottleAllows() {
        FleetBench.PolicyResult result = new FleetSimulation(MODEL, SimulatedFlowGateway::new)
                .run("ours", Duration.ofHours(1));

        assertThat(result.allAssigned()).isTrue();
        assertThat(result.polls()).isEqualTo(300);
        assertThat(result.registers()).isEqualTo(300 + result.throttled());
        // A full bucket lets 20 through at once; after that, 20 a second.
        assertThat(result.lastAssignedSeconds()).isGreaterThanOrEqualTo((300 - 20) / 20.0);
        assertThat(result.throttled()).isPositive();
        assertThat(result.retryCauses()).containsOnlyKeys("THROTTLED");
    }

    @Test
    void theSameSeedGivesTheSameRunAndTheSdkPolicyGivesUpOnItsFirst429() {
        FleetBench.PolicyResult once = new FleetSimulation(MODEL, SimulatedFlowGateway::new).run("a", Duration.ofHours(1));
        FleetBench.PolicyResult again = new FleetSimulation(MODEL, SimulatedFlowGateway::new).run("a", Duration.ofHours(1));
        assertThat(again.assignmentSeconds()).isEqualTo(once.assignmentSeconds());
        assertThat(again.registers()).isEqualTo(once.registers());

        FleetBench.PolicyResult sdk = new FleetSimulation(MODEL,
                (index, simulation) -> new SimulatedPolicyGateway(index, simulation, FleetPolicy.AZURE_SDK))
                .run("sdk", Duration.ofHours(1));
        assertThat(sdk.allAssigned()).isFalse();
        assertThat(sdk.registers()).isEqualTo(300);
        assertThat(sdk.failed()).isEqualTo(sdk.throttled()).isEqualTo(300 - sdk.assigned());
    }

    @Test
    void aFleetLongerThanTheDeadlineStartsFreshRunsAndStillGetsAssigned() {
        FleetSimulation.Model slow = new FleetSimulation.Model(1500, 2, Duration.ofSeconds(10), Duration.ofMillis(1),
                Duration.ofMillis(8), FleetBench.SEED);
        FleetBench.PolicyResult result = new FleetSimulation(slow, SimulatedFlowGateway::new).run("ours",
                Duration.ofHours(3));

        assertThat(result.allAssigned()).isTrue();
        assertThat(result.connects()).as("fresh runs after the 600 s deadline").isGreaterThan(1500);
        assertThat(result.retryCauses()).containsKey("fresh run after DEADLINE_EXCEEDED");
    }
}
