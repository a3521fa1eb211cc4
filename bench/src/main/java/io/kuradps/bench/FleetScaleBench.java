package io.kuradps.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet at scale, in simulated time ({@link FleetSimulation}): each policy at N = 2,000, 20,000 and 100,000
 * gateways against 50 registrations/s, and 2,000 against 3.3/s (200 a minute, one S1 unit).
 */
final class FleetScaleBench {

    /** One policy at one scale. */
    record Row(int gateways, double rate, String policy, String label, FleetBench.PolicyResult result,
            double wallSeconds) {

        double floorSeconds() {
            return gateways / rate;
        }

        /** Time until every gateway was assigned, or NaN when some gave up or the horizon came first. */
        double makespanSeconds() {
            return result.allAssigned() ? result.lastAssignedSeconds() : Double.NaN;
        }

        double medianAssignedSeconds() {
            List<Double> seconds = result.assignmentSeconds();
            return seconds.isEmpty() ? Double.NaN : Stats.percentile(seconds.stream().mapToDouble(d -> d).toArray(), 50);
        }

        /** Register requests per gateway of the fleet (not per assigned one). */
        double requestsPerGateway() {
            return (double) result.registers() / gateways;
        }
    }

    /** The scales of the issue: N at 50/s, and the small fleet against one S1 unit. */
    static final List<double[]> SCALES = List.of(new double[] {2_000, 50}, new double[] {20_000, 50},
            new double[] {100_000, 50}, new double[] {2_000, 3.3});

    /** Policy keys as in results.json: the bundle's, the one before issue 15, and the two others. */
    static final List<String> POLICIES = List.of("ours", FleetPolicy.PREVIOUS.key(), FleetPolicy.FIXED_5S.key(),
            FleetPolicy.AZURE_SDK.key());

    List<Row> run(List<double[]> scales) {
        List<Row> rows = new ArrayList<>();
        for (double[] scale : scales) {
            for (String policy : POLICIES) {
                rows.add(run((int) scale[0], scale[1], policy));
            }
        }
        return rows;
    }

    Row run(int gateways, double rate, String policy) {
        FleetSimulation.Model model = FleetSimulation.Model.of(gateways, rate);
        FleetPolicy other = policy.equals("ours") ? null : policyOf(policy);
        String label = other == null ? "ours (RegistrationFlow)" : other.label();
        long began = System.nanoTime();
        FleetSimulation simulation = new FleetSimulation(model, (index, sim) -> other == null
                ? new SimulatedFlowGateway(index, sim) : new SimulatedPolicyGateway(index, sim, other));
        // Long enough for any policy that gets there at all; the SDK's policy is done once every gateway gave up.
        Duration horizon = Duration.ofSeconds((long) (model.floorSeconds() * 10) + 3600);
        FleetBench.PolicyResult result = simulation.run(label, horizon);
        Row row = new Row(gateways, rate, policy, label, result, (System.nanoTime() - began) / 1e9);
        System.out.printf(java.util.Locale.ROOT,
                "  scale: %s, %d gateways at %.1f/s: %d assigned, all by %.0f s (%.2f x floor), median %.0f s, "
                        + "%.1f register requests per gateway (%.0f s to simulate)%n",
                policy, gateways, rate, result.assigned(), row.makespanSeconds(),
                row.makespanSeconds() / row.floorSeconds(), row.medianAssignedSeconds(), row.requestsPerGateway(),
                row.wallSeconds());
        return row;
    }

    static FleetPolicy policyOf(String key) {
        for (FleetPolicy policy : FleetPolicy.values()) {
            if (policy.key().equals(key)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("no policy " + key);
    }
}
