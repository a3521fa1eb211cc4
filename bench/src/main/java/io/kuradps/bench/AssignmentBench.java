package io.kuradps.bench;

import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Counters.EventKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 1: time to assignment, round trips and bytes of one registration, ours against the Azure SDK, on
 * loopback and with latency added by the simulator. The two clients take turns, registration by registration,
 * and which goes first alternates, so that drift in the machine's load hits both alike.
 */
final class AssignmentBench {

    /** What one client cost for one registration. */
    record Sample(double toAssignmentMs, double toClosedMs, long connections, long mqttRoundTrips, long registers,
            long polls, long bytesUp, long bytesDown) {
    }

    /** All samples of one client in one scenario. */
    record Series(String client, List<Sample> samples) {
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
        dps.simulator.faults().latency(latency);
        try {
            for (int i = 0; i < WARM_UP; i++) {
                measure(dps.ours, name + "-warm-ours-" + i);
                measure(dps.sdk, name + "-warm-sdk-" + i);
            }
            List<Sample> ours = new ArrayList<>();
            List<Sample> sdk = new ArrayList<>();
            for (int i = 0; i < registrations; i++) {
                boolean oursFirst = i % 2 == 0;
                Registrar first = oursFirst ? dps.ours : dps.sdk;
                Registrar second = oursFirst ? dps.sdk : dps.ours;
                Sample a = measure(first, name + "-" + tag(first) + "-" + i);
                Sample b = measure(second, name + "-" + tag(second) + "-" + i);
                (oursFirst ? ours : sdk).add(a);
                (oursFirst ? sdk : ours).add(b);
                System.out.printf(Locale.ROOT, "  %s #%d: ours %.0f ms, SDK %.0f ms%n", name, i,
                        (oursFirst ? a : b).toAssignmentMs(), (oursFirst ? b : a).toAssignmentMs());
            }
            return new Scenario(name, latency, new Series(dps.ours.name(), ours), new Series(dps.sdk.name(), sdk));
        } finally {
            dps.simulator.faults().latency(Duration.ZERO);
        }
    }

    private static String tag(Registrar registrar) {
        return registrar instanceof OurRegistrar ? "ours" : "sdk";
    }

    private Sample measure(Registrar registrar, String registrationId) throws Exception {
        dps.proxy.awaitIdle(5000);
        dps.proxy.take();
        Registrar.Timing timing = registrar.register(registrationId, BenchDps.deviceKey(registrationId));
        // Bytes after the assignment (DISCONNECT, TLS close) belong to the registration too.
        dps.proxy.awaitIdle(5000);
        CountingProxy.Traffic traffic = dps.proxy.take();
        Counters counters = dps.simulator.counters();
        long connects = counters.count(registrationId, EventKind.CONNECT);
        long subscribes = counters.count(registrationId, EventKind.SUBSCRIBE);
        long registers = counters.count(registrationId, EventKind.REGISTER);
        long polls = counters.count(registrationId, EventKind.POLL);
        return new Sample(timing.toAssignmentNanos() / 1e6, timing.toClosedNanos() / 1e6, traffic.connections(),
                connects + subscribes + registers + polls, registers, polls, traffic.bytesUp(), traffic.bytesDown());
    }
}
