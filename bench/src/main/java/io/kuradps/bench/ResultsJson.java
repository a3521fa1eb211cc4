package io.kuradps.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * bench/results.json: every headline figure of a run in machine-readable form. A section that did not run leaves
 * its keys out. Times in ms unless the key says s; NaN (a fleet that was never all assigned) is written as null.
 */
final class ResultsJson {

    private ResultsJson() {
    }

    static void write(Path file, Instant began, String loadBefore, String loadAfter,
            List<AssignmentBench.Scenario> assignments, List<ColdStartBench.Series> coldStarts,
            StartupBench.Result startups, HubBench.Result hubLink, List<FleetScaleBench.Row> scale,
            HubReconnectBench.Result hubReconnect, DeviceBench.Result device) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("generated", began.truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("load_average_before", loadBefore);
        root.put("load_average_after", loadAfter);
        if (!assignments.isEmpty()) {
            ObjectNode assign = root.putObject("assign");
            for (AssignmentBench.Scenario scenario : assignments) {
                ObjectNode one = assign.putObject(scenario.latency().isZero() ? "loopback"
                        : "rtt" + scenario.latency().toMillis());
                one.put("ours_median_ms", scenario.ours().assignment().median());
                one.put("sdk_median_ms", scenario.sdk().assignment().median());
                one.put("floor_ms", BenchMain.floorMillis(scenario));
                one.put("ours_p95_ms", scenario.ours().assignment().p95());
                one.put("sdk_p95_ms", scenario.sdk().assignment().p95());
            }
        }
        if (!coldStarts.isEmpty()) {
            ObjectNode cold = root.putObject("cold");
            for (ColdStartBench.Series series : coldStarts) {
                if (series.cpuMs().isEmpty()) {
                    continue;
                }
                String key = series.interpreted() ? "cpu_ms_xint" : "cpu_ms";
                ObjectNode cpu = cold.has(key) ? (ObjectNode) cold.get(key) : cold.putObject(key);
                cpu.put(series.client().equals("ours") ? "ours" : "sdk", series.cpu().median());
            }
        }
        if (startups != null) {
            ObjectNode startup = root.putObject("startup");
            startup.put("cold_bundle_start_to_assigned_ms", median(startups.cold(), StartupBench.Boot::startToAssignedMs));
            startup.put("cold_cpu_ms", median(startups.cold(), StartupBench.Boot::cpuMs));
            startup.put("cached_bundle_start_to_assigned_ms",
                    median(startups.cached(), StartupBench.Boot::startToAssignedMs));
            if (!startups.coldInterpreted().isEmpty()) {
                startup.put("cold_cpu_ms_xint", median(startups.coldInterpreted(), StartupBench.Boot::cpuMs));
            }
        }
        if (hubLink != null) {
            ObjectNode hub = root.putObject("hub");
            hub.put("cold_bundle_start_to_assigned_ms", Stats.of(hubLink.cold().stream()
                    .map(HubBench.Boot::startToAssignedMs).toList()).median());
            hub.put("cold_bundle_start_to_telemetry_accepted_ms", Stats.of(hubLink.cold().stream()
                    .map(HubBench.Boot::startToTelemetryMs).toList()).median());
            hub.put("cached_bundle_start_to_telemetry_accepted_ms", Stats.of(hubLink.cached().stream()
                    .map(HubBench.Boot::startToTelemetryMs).toList()).median());
            hub.put("cold_hub_connections_per_boot", Stats.of(hubLink.cold().stream()
                    .map(boot -> (double) boot.hubConnections()).toList()).median());
            hub.put("cached_hub_connections_per_boot", Stats.of(hubLink.cached().stream()
                    .map(boot -> (double) boot.hubConnections()).toList()).median());
            hub.put("renewals", hubLink.connectionsPerRenewal().size());
            number(hub, "reconnects_per_renewal", BenchMain.reconnectsPerRenewal(hubLink));
        }
        if (!scale.isEmpty()) {
            ArrayNode rows = root.putArray("fleet_scale");
            for (FleetScaleBench.Row row : scale) {
                ObjectNode one = rows.addObject();
                one.put("gateways", row.gateways());
                one.put("rate", row.rate());
                one.put("policy", row.policy());
                number(one, "makespan_s", row.makespanSeconds());
                number(one, "median_assigned_s", row.medianAssignedSeconds());
                one.put("floor_s", row.floorSeconds());
                one.put("requests_per_gateway", row.requestsPerGateway());
                one.put("assigned", row.result().assigned());
            }
        }
        if (hubReconnect != null) {
            root.set(HUB_RECONNECT, hubReconnect(mapper, hubReconnect));
        }
        if (device != null) {
            root.set(DEVICE, device(mapper, device));
        }
        mapper.writeValue(file.toFile(), root);
    }

    /** Sets {@code hub_reconnect} in the file there is (or a new one), keeping every other key as it was. */
    static void replaceHubReconnect(Path file, HubReconnectBench.Result hubReconnect) throws IOException {
        replace(file, HUB_RECONNECT, mapper -> hubReconnect(mapper, hubReconnect));
    }

    /** Sets {@code device} in the file there is (or a new one), keeping every other key as it was. */
    static void replaceDevice(Path file, DeviceBench.Result device) throws IOException {
        replace(file, DEVICE, mapper -> device(mapper, device));
    }

    private static void replace(Path file, String key, java.util.function.Function<ObjectMapper, ObjectNode> section)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = Files.exists(file) ? (ObjectNode) mapper.readTree(file.toFile()) : mapper.createObjectNode();
        root.set(key, section.apply(mapper));
        mapper.writeValue(file.toFile(), root);
    }

    private static final String HUB_RECONNECT = "hub_reconnect";
    private static final String DEVICE = "device";

    private static ObjectNode device(ObjectMapper mapper, DeviceBench.Result result) {
        ObjectNode section = mapper.createObjectNode();
        Stats methods = Stats.of(result.methodRoundTripMs());
        Stats patches = Stats.of(result.reportedPatchMs());
        section.put("method_round_trip_median_ms", methods.median());
        section.put("method_round_trip_p95_ms", methods.p95());
        section.put("reported_patch_median_ms", patches.median());
        section.put("reported_patch_p95_ms", patches.p95());
        section.put("boots", result.boots());
        section.put("samples_per_boot", result.samplesPerBoot());
        return section;
    }

    private static ObjectNode hubReconnect(ObjectMapper mapper, HubReconnectBench.Result result) {
        ObjectNode section = mapper.createObjectNode();
        ArrayNode fleet = section.putArray("fleet");
        for (HubReconnectBench.FleetRow row : result.fleets()) {
            HubReconnectSimulation.Result run = row.result();
            ObjectNode one = fleet.addObject();
            one.put("gateways", row.gateways());
            one.put("rate", run.model().rate());
            one.put("policy", row.policy().key());
            number(one, "makespan_s", run.makespanSeconds());
            one.put("floor_s", run.model().floorSeconds());
            number(one, "makespan_over_floor", row.overFloor());
            number(one, "median_reconnected_s", run.medianSeconds());
            one.put("attempts_per_gateway", run.attemptsPerGateway());
            one.put("max_attempts", run.maxAttempts());
            one.put("reconnected", run.reconnectedSeconds().length);
        }
        ArrayNode single = section.putArray("single_gateway");
        for (HubReconnectBench.SingleRow row : result.single()) {
            ObjectNode one = single.addObject();
            one.put("policy", row.policy().key());
            one.put("hub_away_s", row.outage().toSeconds());
            one.put("median_back_s", row.medianSeconds());
            one.put("max_back_s", row.maxSeconds());
            one.put("attempts", row.attemptsPerRun());
            one.put("runs", HubReconnectBench.SINGLE_RUNS);
        }
        return section;
    }

    private static double median(List<StartupBench.Boot> boots, java.util.function.Function<StartupBench.Boot, Double> field) {
        return Stats.of(boots.stream().map(field).toList()).median();
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
