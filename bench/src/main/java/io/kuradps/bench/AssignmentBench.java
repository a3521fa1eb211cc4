package io.kuradps.bench;

import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Counters.EventKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 1: time to assignment, round trips and bytes of one registration, ours against the Azure SDK, on
 * loopback and with a round-trip time added by the relay (to TCP, TLS and MQTT alike). The two clients take turns, registration by registration,
 * and which goes first alternates, so that drift in the machine's load hits both alike.
 */
final class AssignmentBench {

    /** What one client cost for one registration. */
    record Sample(double toAssignmentMs, double toClosedMs, long connections, long mqttRoundTrips, long registers,
            long polls, long bytesUp, long bytesDown) {
    }

    /** All samples of one client in one scenario. */
    record Series(String client, List<Sample> samples, List<String> failures) {
        Stats assignment() {
            return Stats.of(samples.stream().map(Sample::toAssignmentMs).toList());
        }

        Stats closed() {
            return Stats.of(samples.stream().map(Sample::toClosedMs).toList());
        }

        double mean(java.util.function.ToDoubleFunction<Sample> field) {
            return samples.stream().mapToDouble(field).average().orElse(Double.NaN);
        }
    }

    record Scenario(String name, Duration latency, Series ours, Series sdk) {
    }

    private static final int WARM_UP = 3;

    private final BenchDps dps;
    private final int registrations;

    AssignmentBench(BenchDps dps, int registrations) {
        this.dps = dps;
        this.registrations = registrations;
    }

    Scenario run(String name, Duration latency) throws Exception {
        dps.relay.roundTrip(latency);
        try {
            Series ours = new Series(dps.ours.name(), new ArrayList<>(), new ArrayList<>());
            Series sdk = new Series(dps.sdk.name(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < WARM_UP; i++) {
                for (Series series : List.of(ours, sdk)) {
                    String id = name + "-warm-" + (series == ours ? "ours" : "sdk") + "-" + i;
                    try {
                        measure(series == ours ? dps.ours : dps.sdk, id);
                    } catch (Exception e) {
                        series.failures().add(id + " (warm-up): " + e);
                        System.out.println("  " + id + " failed: " + e);
                    }
                }
            }
            for (int i = 0; i < registrations; i++) {
                boolean oursFirst = i % 2 == 0;
                for (Series series : oursFirst ? List.of(ours, sdk) : List.of(sdk, ours)) {
                    Registrar registrar = series == ours ? dps.ours : dps.sdk;
                    String id = name + "-" + (series == ours ? "ours" : "sdk") + "-" + i;
                    try {
                        series.samples().add(measure(registrar, id));
                    } catch (Exception e) {
                        series.failures().add(id + ": " + e);
                        System.out.println("  " + id + " failed: " + e);
                    }
                }
                System.out.printf(Locale.ROOT, "  %s #%d: ours %s, SDK %s%n", name, i, last(ours), last(sdk));
            }
            return new Scenario(name, latency, ours, sdk);
        } finally {
            dps.relay.roundTrip(Duration.ZERO);
        }
    }

    private static String last(Series series) {
        return series.samples().isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.0f ms", series.samples().get(series.samples().size() - 1).toAssignmentMs());
    }

    private Sample measure(Registrar registrar, String registrationId) throws Exception {
        dps.relay.awaitIdle(5000);
        dps.relay.take();
        dps.relay.takeChunks();
        dps.relay.takeAccepted();
        Registrar.Timing timing = registrar.register(registrationId, BenchDps.deviceKey(registrationId));
        // Bytes after the assignment (DISCONNECT, TLS close) belong to the registration too.
        dps.relay.awaitIdle(5000);
        DelayingRelay.Traffic traffic = dps.relay.take();
        Counters counters = dps.simulator.counters();
        long connects = counters.count(registrationId, EventKind.CONNECT);
        long subscribes = counters.count(registrationId, EventKind.SUBSCRIBE);
        long registers = counters.count(registrationId, EventKind.REGISTER);
        long polls = counters.count(registrationId, EventKind.POLL);
        return new Sample(timing.toAssignmentNanos() / 1e6, timing.toClosedNanos() / 1e6, traffic.connections(),
                connects + subscribes + registers + polls, registers, polls, traffic.bytesUp(), traffic.bytesDown());
    }
}
