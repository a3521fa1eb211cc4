package io.kuradps.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where the time of one registration goes, step by step, for ours and for the SDK: Paho's trace gives when each
 * MQTT packet left and arrived on the client's side, the relay gives the TCP and TLS handshake (when it accepted,
 * when the client's first and second flights passed) and the simulator's own handling time (from a request's
 * bytes written to the simulator to its answer's first bytes read back, one loopback hop each way).
 */
final class TimelineBench {

    /** The client-side steps, in order; each is the moment it was reached, in ms since the call. */
    static final List<String> STEPS = List.of("Paho connects (TCP)", "TCP connected (relay accepts)",
            "TLS handshake done (client's second flight)", "Paho's network module started",
            "CONNECT sent", "CONNACK received", "SUBSCRIBE sent", "SUBACK received", "register sent",
            "202 received", "poll sent", "200 received", "DISCONNECT sent", "call returned (closed)");

    /** What the simulator took to answer, request written to it until the answer's first bytes came back. */
    static final List<String> SERVER_STEPS = List.of("TLS: ClientHello -> ServerHello", "CONNECT -> CONNACK",
            "SUBSCRIBE -> SUBACK", "register -> 202", "poll -> 200");

    /** One registration's steps (ms since the call; NaN when not seen) and the simulator's handling times. */
    record Timeline(Map<String, Double> steps, Map<String, Double> server) {
    }

    /** The median timeline of a client in a scenario. */
    record Summary(String client, Duration roundTrip, Map<String, Double> steps, Map<String, Double> server,
            int registrations) {
    }

    private static final int WARM_UP = 2;

    private final BenchDps dps;
    private final int registrations;

    TimelineBench(BenchDps dps, int registrations) {
        this.dps = dps;
        this.registrations = registrations;
    }

    List<Summary> run(Duration roundTrip) throws Exception {
        dps.relay.roundTrip(roundTrip);
        List<Summary> summaries = new ArrayList<>();
        try (PahoTrace trace = new PahoTrace()) {
            for (Registrar registrar : List.of(dps.ours, dps.sdk)) {
                List<Timeline> timelines = new ArrayList<>();
                for (int i = 0; i < WARM_UP + registrations; i++) {
                    String id = "timeline-" + roundTrip.toMillis() + "-" + (registrar == dps.ours ? "ours" : "sdk") + "-"
                            + i;
                    try {
                        Timeline timeline = record(registrar, id, trace);
                        if (i >= WARM_UP) {
                            timelines.add(timeline);
                        }
                    } catch (Exception e) {
                        System.out.println("  " + id + " failed: " + e);
                    }
                }
                summaries.add(new Summary(registrar.name(), roundTrip, median(timelines, Timeline::steps, STEPS),
                        median(timelines, Timeline::server, SERVER_STEPS), timelines.size()));
            }
        } finally {
            dps.relay.roundTrip(Duration.ZERO);
        }
        return summaries;
    }

    private Timeline record(Registrar registrar, String id, PahoTrace trace) throws Exception {
        dps.relay.awaitIdle(5000);
        dps.relay.take();
        dps.relay.takeChunks();
        dps.relay.takeAccepted();
        trace.take();
        long start = System.nanoTime();
        registrar.register(id, BenchDps.deviceKey(id));
        long returned = System.nanoTime();
        dps.relay.awaitIdle(5000);
        return timeline(start, returned, trace.take(), dps.relay.takeChunks(), dps.relay.takeAccepted());
    }

    /** Puts one registration's trace lines and relay records in the order of {@link #STEPS}. */
    static Timeline timeline(long start, long returned, List<PahoTrace.Line> lines, List<DelayingRelay.Chunk> chunks,
            List<DelayingRelay.Accepted> accepted) {
        Map<String, Long> at = new LinkedHashMap<>();
        at.put(STEPS.get(0), first(lines, l -> l.contains("connect to host")));
        at.put(STEPS.get(1), accepted.isEmpty() ? null : accepted.get(0).acceptedNanos());
        List<DelayingRelay.Chunk> ups = chunks.stream().filter(DelayingRelay.Chunk::up).toList();
        at.put(STEPS.get(2), ups.size() < 2 ? null : ups.get(1).readNanos());
        at.put(STEPS.get(3), first(lines, l -> l.contains(": starting")));
        at.put(STEPS.get(4), first(lines, l -> l.contains("network send") && l.contains("msg=CONNECT")));
        at.put(STEPS.get(5), first(lines, l -> l.contains("received CONNACK")));
        at.put(STEPS.get(6), first(lines, l -> l.contains("network send") && l.contains("SUBSCRIBE")));
        at.put(STEPS.get(7), first(lines, l -> l.contains("received SUBACK")));
        at.put(STEPS.get(8), first(lines, l -> l.contains("network send") && l.contains("iotdps-register")));
        at.put(STEPS.get(9), first(lines, l -> l.contains("received PUBLISH") && l.contains("res/202")));
        at.put(STEPS.get(10), first(lines, l -> l.contains("network send") && l.contains("iotdps-get-operationstatus")));
        at.put(STEPS.get(11), first(lines, l -> l.contains("received PUBLISH") && l.contains("res/200")));
        at.put(STEPS.get(12), first(lines, l -> l.contains("network send") && l.contains("DISCONNECT")));
        at.put(STEPS.get(13), returned);
        Map<String, Double> steps = new LinkedHashMap<>();
        at.forEach((step, nanos) -> steps.put(step, nanos == null ? Double.NaN : (nanos - start) / 1e6));

        Map<String, Double> server = new LinkedHashMap<>();
        server.put(SERVER_STEPS.get(0), ups.isEmpty() ? Double.NaN : turnaround(chunks, ups.get(0)));
        String[] requests = {STEPS.get(4), STEPS.get(6), STEPS.get(8), STEPS.get(10)};
        for (int i = 0; i < requests.length; i++) {
            Long sent = at.get(requests[i]);
            DelayingRelay.Chunk request = sent == null ? null
                    : ups.stream().filter(c -> c.readNanos() >= sent).findFirst().orElse(null);
            server.put(SERVER_STEPS.get(i + 1), request == null ? Double.NaN : turnaround(chunks, request));
        }
        return new Timeline(steps, server);
    }

    /** From a request chunk written to the simulator to the next chunk read from it, in ms. */
    private static double turnaround(List<DelayingRelay.Chunk> chunks, DelayingRelay.Chunk request) {
        return chunks.stream().filter(c -> !c.up() && c.readNanos() >= request.writtenNanos()).findFirst()
                .map(c -> (c.readNanos() - request.writtenNanos()) / 1e6).orElse(Double.NaN);
    }

    private static Long first(List<PahoTrace.Line> lines, Predicate<String> matches) {
        return lines.stream().filter(line -> matches.test(line.text())).findFirst().map(PahoTrace.Line::nanos)
                .orElse(null);
    }

    private static Map<String, Double> median(List<Timeline> timelines,
            java.util.function.Function<Timeline, Map<String, Double>> part, List<String> keys) {
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String key : keys) {
            List<Double> values = timelines.stream().map(t -> part.apply(t).get(key)).filter(v -> !v.isNaN())
                    .toList();
            medians.put(key, values.isEmpty() ? Double.NaN : Stats.of(values).median());
        }
        return medians;
    }
}
