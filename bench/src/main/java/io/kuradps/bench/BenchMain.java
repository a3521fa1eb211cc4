package io.kuradps.bench;

import static io.kuradps.bench.Markdown.kib;
import static io.kuradps.bench.Markdown.mib;
import static io.kuradps.bench.Markdown.ms;
import static io.kuradps.bench.Markdown.num;
import static io.kuradps.bench.Markdown.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Runs every benchmark and writes bench/RESULTS.md and bench/fleet-reboot.png. Started by bench/run.
 *
 * <p>Options: {@code --root DIR} (the repository; default .), {@code --registrations N} (default 30),
 * {@code --boots N} (default 5), {@code --gateways N} (default 2000), {@code --rate R} (default 50),
 * {@code --only assign,footprint,startup,fleet} (default all). {@code --only hub-reconnect} or {@code --only device}
 * alone replaces its section in the RESULTS.md and results.json there are, keeping the others.
 */
public final class BenchMain {

    private final Path root;
    private final int registrations;
    private final int boots;
    private final int gateways;
    private final double rate;
    private final Set<String> only;
    private static final int TIMELINE_REGISTRATIONS = 7;
    private static final int COLD_BOOTS = 4;
    private static final int INTERPRETED_BOOTS = 2;
    /** The --only key of section 9, and its heading. */
    static final String HUB_RECONNECT = "hub-reconnect";
    static final String HUB_RECONNECT_HEADING = "## 9. ";
    /** The --only key of section 10, and its heading. */
    static final String DEVICE = "device";
    static final String DEVICE_HEADING = "## 10. ";

    private Set<String> policies = Set.of("ours", "fixed", "sdk");
    private List<AssignmentBench.Scenario> assignments = List.of();
    private List<ColdStartBench.Series> coldStarts = List.of();
    private StartupBench.Result startups;
    private HubBench.Result hubLink;
    private List<FleetScaleBench.Row> scale = List.of();
    private HubReconnectBench.Result hubReconnect;
    private DeviceBench.Result device;
    private int fleetRepeats = 2;
    private final StringBuilder report = new StringBuilder();

    private BenchMain(Path root, int registrations, int boots, int gateways, double rate, Set<String> only) {
        this.root = root;
        this.registrations = registrations;
        this.boots = boots;
        this.gateways = gateways;
        this.rate = rate;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        try {
            benchmark(args);
        } catch (Exception | Error e) {
            // A client's leftover non-daemon threads must not keep a failed run alive.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void benchmark(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path root = Paths.get(".");
        int registrations = 30;
        int boots = 5;
        int gateways = 2000;
        double rate = 50;
        Set<String> only = Set.of("assign", "timeline", "cold", "startup", "hub", "footprint", "fleet", "scale",
                HUB_RECONNECT, DEVICE);
        Set<String> policies = Set.of("ours", "fixed", "sdk");
        int fleetRepeats = 2;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--root" -> root = Paths.get(value);
                case "--registrations" -> registrations = Integer.parseInt(value);
                case "--boots" -> boots = Integer.parseInt(value);
                case "--gateways" -> gateways = Integer.parseInt(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--only" -> only = Set.of(value.split(","));
                case "--policies" -> policies = Set.of(value.split(","));
                case "--fleet-repeats" -> fleetRepeats = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchMain bench = new BenchMain(root.toAbsolutePath().normalize(), registrations, boots, gateways, rate, only);
        bench.policies = policies;
        bench.fleetRepeats = fleetRepeats;
        bench.run();
    }

    private void run() throws Exception {
        if (only.equals(Set.of(HUB_RECONNECT))) {
            replaceHubReconnect();
            return;
        }
        if (only.equals(Set.of(DEVICE))) {
            replaceDevice();
            return;
        }
        Path work = Files.createTempDirectory("kura-dps-bench");
        Instant began = Instant.now();
        String loadBefore = Machine.loadAverage();
        String body = sections(work);
        String loadAfter = Machine.loadAverage();
        long minutes = Duration.between(began, Instant.now()).toSeconds();

        report.append("# kura-dps benchmarks: results\n\n");
        report.append("Generated by `bench/run` on ").append(began.truncatedTo(ChronoUnit.SECONDS))
                .append(String.format(Locale.ROOT, " (took %d min %d s). Every figure below comes from that run; ",
                        minutes / 60, minutes % 60))
                .append("rerun `bench/run` to regenerate this file and the chart.\n\n");
        report.append("## Machine\n\n");
        report.append(table(List.of("what", "value"), List.of(
                List.of("processors (nproc)", Integer.toString(Machine.processors())),
                List.of("CPU", Machine.cpuModel()),
                List.of("memory", Machine.memory()),
                List.of("OS", Machine.os()),
                List.of("JDK", Machine.jdk()),
                List.of("load average (1/5/15 min) before the run", loadBefore),
                List.of("load average (1/5/15 min) after the run", loadAfter))));
        report.append("\nThe machine is shared (other builds may run at the same time); the load averages above say ")
                .append("how busy it was. With 2 processors, a load above 2 means work was waiting for a CPU.\n\n");
        report.append(body);
        Path results = root.resolve("bench/RESULTS.md");
        Files.writeString(results, report.toString());
        System.out.println("wrote " + results);
        Path json = root.resolve("bench/results.json");
        ResultsJson.write(json, began, loadBefore, loadAfter, assignments, coldStarts, startups, hubLink, scale,
                hubReconnect, device);
        System.out.println("wrote " + json);
    }

    private String sections(Path work) throws Exception {
        StringBuilder out = new StringBuilder();
        if (only.contains("assign") || only.contains("timeline") || only.contains("cold")) {
            try (BenchDps dps = BenchDps.start(work)) {
                if (only.contains("assign")) {
                    out.append(assignment(dps));
                }
                if (only.contains("timeline")) {
                    out.append(timeline(dps));
                }
                if (only.contains("cold")) {
                    out.append(cold(dps, work));
                }
            }
        }
        if (only.contains("startup")) {
            out.append(startup(work));
        }
        if (only.contains("hub")) {
            out.append(hub(work));
        }
        if (only.contains("footprint")) {
            try (BenchDps dps = BenchDps.external(root, work)) {
                out.append(footprint(dps));
            }
        }
        List<FleetBench.PolicyResult> realFleet = List.of();
        if (only.contains("fleet")) {
            realFleet = new ArrayList<>();
            out.append(fleet(work, realFleet));
        }
        if (only.contains("scale")) {
            out.append(fleetScale(realFleet));
        }
        if (only.contains(HUB_RECONNECT)) {
            out.append(hubReconnect());
        }
        if (only.contains(DEVICE)) {
            out.append(device(work));
        }
        return out.toString();
    }

    /**
     * Section 9 alone: a simulation, so its figures do not depend on the machine or on when it ran; it takes the
     * place of its earlier version in the files of the last full run instead of replacing them.
     */
    private void replaceHubReconnect() throws IOException {
        replaceAlone(HUB_RECONNECT_HEADING, hubReconnect());
        ResultsJson.replaceHubReconnect(root.resolve("bench/results.json"), hubReconnect);
        System.out.println("replaced hub_reconnect in bench/results.json");
    }

    /**
     * Section 10 alone: it takes the place of its earlier version in the files of the last full run, keeping the
     * other sections, so the device figures can be measured again without the quarter of an hour of the rest.
     */
    private void replaceDevice() throws Exception {
        replaceAlone(DEVICE_HEADING, device(Files.createTempDirectory("kura-dps-bench")));
        ResultsJson.replaceDevice(root.resolve("bench/results.json"), device);
        System.out.println("replaced device in bench/results.json");
    }

    /** The section under {@code heading} of the RESULTS.md there is replaced (or appended), the rest kept. */
    private void replaceAlone(String heading, String section) throws IOException {
        Path results = root.resolve("bench/RESULTS.md");
        String report = Files.exists(results) ? Files.readString(results) : "# kura-dps benchmarks: results\n\n";
        Files.writeString(results, replaceSection(report, heading, section));
        System.out.println("replaced section " + heading.substring(3).trim() + " of " + results);
    }

    private String device(Path work) throws Exception {
        System.out.println("10. the gateway as an IoT Hub device: method round trip, reported patch");
        device = new DeviceBench(root, work).run(boots);
        StringBuilder out = new StringBuilder(DEVICE_HEADING + "The gateway as an IoT Hub device: direct method "
                + "round trip and reported patch\n\n");
        out.append(String.format(Locale.ROOT, """
                Each boot is `kura-dps-runtime.jar` itself, its demo (`--exit-after-first`, \
                `-Dkuradps.runtime.device.samples=%d`): the provisioning bundle on the Kura 5 stack with the stand-ins \
                for Kura's raw MQTT cloud connection, the simulator and its IoT hub in the runtime's JVM, everything on \
                loopback over TLS. Once the device twin's component has reported the provisioning state and answered \
                `kuraDps.status` (the TWIN and METHOD lines), the runtime times, one at a time: **method round trip** \
                = the simulated hub's service side invoking `kuraDps.status` (`HubSimulator.invokeMethod`) until its \
                result is there (the hub's QoS 0 request, Kura's DataService listener, the handler on the room's \
                method pool, the answer through the DataService's store at priority 1, the hub's PUBACK); **reported \
                patch** = a `DeviceTwin.report` call until the hub holds the value (the room's thread, the merge \
                patch, the DataService's store, the hub applying it and answering 204). %d boots of %d samples each.

                """, DeviceBench.SAMPLES, device.boots(), device.samplesPerBoot()));
        Stats methods = Stats.of(device.methodRoundTripMs());
        Stats patches = Stats.of(device.reportedPatchMs());
        out.append(table(List.of("what", "median", "p95", "min", "max", "samples"), List.of(
                List.of("method round trip (hub invoke to answer)", ms(methods.median()), ms(methods.p95()),
                        ms(methods.min()), ms(methods.max()), Integer.toString(methods.count())),
                List.of("reported patch (report() to stored by the hub)", ms(patches.median()), ms(patches.p95()),
                        ms(patches.min()), ms(patches.max()), Integer.toString(patches.count())))));
        out.append('\n');
        return out.toString();
    }

    /** {@code report} with the section under {@code heading} (to the next "## " heading) replaced, or appended. */
    static String replaceSection(String report, String heading, String section) {
        int start = report.indexOf(heading);
        if (start < 0) {
            return report + (report.endsWith("\n\n") ? "" : report.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        int next = report.indexOf("\n## ", start + heading.length());
        return report.substring(0, start) + section + (next < 0 ? "" : report.substring(next + 1));
    }

    private String hubReconnect() {
        System.out.println("9. hub reconnect after a hub outage (simulated time)");
        hubReconnect = new HubReconnectBench().run();
        return HUB_RECONNECT_HEADING + HubReconnectBench.markdown(hubReconnect);
    }

    private String assignment(BenchDps dps) throws Exception {
        AssignmentBench bench = new AssignmentBench(dps, registrations);
        System.out.println("1. time to assignment, loopback");
        AssignmentBench.Scenario loopback = bench.run("loopback", Duration.ZERO);
        System.out.println("1. time to assignment, 50 ms per round trip");
        AssignmentBench.Scenario latency = bench.run("latency50", Duration.ofMillis(50));
        assignments = List.of(loopback, latency);

        StringBuilder out = new StringBuilder("## 1. Time to assignment, round trips and bytes\n\n");
        out.append(String.format(Locale.ROOT, """
                Ours = the bundle's `RegistrationFlow` driven by its Paho transport `MqttFlowRunner` (outside OSGi, \
                default settings). SDK = Azure IoT Java SDK `provisioning-device-client` 2.1.3, \
                `ProvisioningDeviceClient.registerDeviceSync()` with its own `SecurityProviderSymmetricKey` (only \
                `getSSLContext()` overridden to trust the simulator's CA; `registerDeviceSync(%d)`, i.e. a %d s timeout). Both: MQTT over TLS to the same DPS \
                simulator (retry-after 1 s on the 202 answers, assigned on the first poll), symmetric key (derived \
                from a group enrollment), through the same byte-counting TCP relay on 127.0.0.1:8883 (the only \
                port the SDK connects to), which also adds the round-trip time of the second scenario. %d registrations per client and scenario after %d warm-up registrations \
                each; the clients alternate, registration by registration, and which goes first alternates too. \
                "Time" runs from the call until the client returns the assignment; for ours that is after its \
                connection is closed (its runner returns after the Disconnect action), for the SDK \
                `registerDeviceSync()` returns while connected and `close()` comes after, so both are shown.

                """, SdkRegistrar.TIMEOUT_SECONDS, SdkRegistrar.TIMEOUT_SECONDS, registrations, 3));
        List<List<String>> rows = new ArrayList<>();
        for (AssignmentBench.Scenario scenario : List.of(loopback, latency)) {
            Stats ours = scenario.ours().assignment();
            Stats sdk = scenario.sdk().assignment();
            Stats sdkClosed = scenario.sdk().closed();
            double floor = floorMillis(scenario);
            rows.add(List.of(scenarioLabel(scenario), ms(ours.median()), ms(ours.p95()), ms(sdk.median()),
                    ms(sdk.p95()), ms(sdkClosed.median()), num(ours.median() / sdk.median(), 2),
                    num(ours.p95() / sdk.p95(), 2), ms(floor), num(ours.median() / floor, 2),
                    num(sdk.median() / floor, 2)));
        }
        out.append(table(List.of("scenario", "ours median", "ours p95", "SDK median", "SDK p95",
                "SDK median incl. close()", "ratio ours/SDK (median)", "ratio ours/SDK (p95)",
                "floor (1 TCP + 2 TLS + 4 MQTT) x RTT + retry-after", "ours / floor", "SDK / floor"), rows));
        out.append("""

                Floor: the TCP handshake (1 round trip), a TLS 1.2 handshake (2; TLS 1.3, which both clients \
                negotiate here, needs 1, so a client can come in under this floor by one RTT), CONNECT, SUBSCRIBE, \
                register and poll (4), plus the 1 s retry-after. On loopback the RTT is taken as 0. With latency, \
                the relay holds every byte for 25 ms each way, the TLS handshake's and the MQTT packets' alike; the \
                TCP handshake is the kernel's and over at once, so the relay adds its round trip before it passes \
                on the client's first bytes (section 2 shows it inside the TLS step).

                Per registration (mean over the measured registrations; bytes are TCP payload through the relay, \
                TLS included; MQTT round trips = CONNECT + SUBSCRIBE + register + polls as the simulator counted \
                them for that registration id):

                """);
        List<List<String>> costs = new ArrayList<>();
        for (AssignmentBench.Scenario scenario : List.of(loopback, latency)) {
            for (AssignmentBench.Series series : List.of(scenario.ours(), scenario.sdk())) {
                costs.add(List.of(scenarioLabel(scenario), series.client(),
                        num(series.mean(AssignmentBench.Sample::connections), 1),
                        num(series.mean(AssignmentBench.Sample::mqttRoundTrips), 1),
                        num(series.mean(AssignmentBench.Sample::registers), 1),
                        num(series.mean(AssignmentBench.Sample::polls), 1),
                        num(series.mean(AssignmentBench.Sample::bytesUp), 0),
                        num(series.mean(AssignmentBench.Sample::bytesDown), 0),
                        num(series.mean(s -> s.bytesUp() + s.bytesDown()), 0)));
            }
        }
        out.append(table(List.of("scenario", "client", "TCP connections", "MQTT round trips", "register requests",
                "polls", "bytes sent", "bytes received", "bytes total"), costs));
        for (AssignmentBench.Scenario scenario : List.of(loopback, latency)) {
            for (AssignmentBench.Series series : List.of(scenario.ours(), scenario.sdk())) {
                out.append(String.format(Locale.ROOT, "%n%s, %s: %d of %d registrations (warm-up included) failed%s",
                        scenarioLabel(scenario), series.client(), series.failures().size(), registrations + 3,
                        series.failures().isEmpty() ? "." : ": " + String.join("; ", series.failures())));
            }
        }
        out.append("\n\nAll samples (ms to assignment), in order:\n\n");
        for (AssignmentBench.Scenario scenario : List.of(loopback, latency)) {
            out.append("- ").append(scenarioLabel(scenario)).append(", ours: ")
                    .append(samples(scenario.ours(), AssignmentBench.Sample::toAssignmentMs)).append('\n');
            out.append("- ").append(scenarioLabel(scenario)).append(", SDK: ")
                    .append(samples(scenario.sdk(), AssignmentBench.Sample::toAssignmentMs)).append('\n');
        }
        out.append('\n');
        return out.toString();
    }

    /** Round trips of a registration: TCP 1, TLS 1.2 2, CONNECT, SUBSCRIBE, register and poll 4. */
    static final int FLOOR_ROUND_TRIPS = 7;
    static final double RETRY_AFTER_MS = 1000.0;

    static double floorMillis(AssignmentBench.Scenario scenario) {
        return floorMillis(scenario.latency());
    }

    static double floorMillis(Duration roundTrip) {
        return FLOOR_ROUND_TRIPS * roundTrip.toMillis() + RETRY_AFTER_MS;
    }

    private static String scenarioLabel(AssignmentBench.Scenario scenario) {
        return scenario.latency().isZero() ? "loopback" : "+" + scenario.latency().toMillis() + " ms per round trip";
    }

    private static String samples(AssignmentBench.Series series, ToDoubleFunction<AssignmentBench.Sample> field) {
        StringBuilder out = new StringBuilder();
        for (AssignmentBench.Sample sample : series.samples()) {
            out.append(out.length() == 0 ? "" : ", ").append(num(field.applyAsDouble(sample), 0));
        }
        return out.toString();
    }

    private String footprint(BenchDps dps) throws Exception {
        System.out.println("5. footprint");
        FootprintBench bench = new FootprintBench(dps);
        // Warm both clients so that one-time class loading and static set-up do not count as retained.
        List<String> failures = new ArrayList<>();
        attempt(failures, "warm-up ours", () -> dps.ours.register("footprint-warm-ours", BenchDps.deviceKey("footprint-warm-ours")));
        attempt(failures, "warm-up SDK", () -> dps.sdk.register("footprint-warm-sdk", BenchDps.deviceKey("footprint-warm-sdk")));
        List<FootprintBench.Threads> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (Registrar registrar : List.of(dps.ours, dps.sdk)) {
                String id = "footprint-threads-" + (registrar == dps.ours ? "ours" : "sdk") + "-" + i;
                attempt(failures, id, () -> threads.add(bench.threads(registrar, id)));
            }
        }
        List<FootprintBench.Heap> heaps = new ArrayList<>();
        attempt(failures, "heap ours", () -> heaps.add(bench.heap(dps.ours, "footprint-heap-ours")));
        attempt(failures, "heap SDK", () -> heaps.add(bench.heap(dps.sdk, "footprint-heap-sdk")));

        StringBuilder out = new StringBuilder("## 5. Footprint\n\n");
        Path dp = deploymentPackage();
        Path closure = root.resolve("bench/sdk-footprint/target/sdk-closure");
        List<Path> sdkJars = jars(closure);
        long sdkBytes = 0;
        for (Path jar : sdkJars) {
            sdkBytes += Files.size(jar);
        }
        out.append(table(List.of("artifact", "size", "what it holds"), List.of(
                List.of("ours: `" + root.relativize(dp) + "`", mib(Files.size(dp)) + " (" + Files.size(dp) + " bytes)",
                        "the provisioning bundle with Paho and Jackson inside; needs slf4j, which Kura provides"),
                List.of("Azure SDK: dependency closure of provisioning-device-client 2.1.3 + security-provider 2.0.1",
                        mib(sdkBytes) + " (" + sdkBytes + " bytes, " + sdkJars.size() + " jars)",
                        String.join(", ", sdkJars.stream().map(p -> p.getFileName().toString()).toList())
                                + "; not OSGi bundles, and the SDK does not ship a Kura package"))));
        out.append("""

                Threads and heap are measured with the simulator's runnable jar in a process of its own (same \
                settings), so that the bench's JVM holds only the client under test, the byte-counting relay and \
                the bench. Threads: live threads of the client, sampled every 1 ms during one registration (the \
                relay's and the sampler's threads excluded), three registrations per client, after one warm-up \
                registration each. "settled" = after waiting up to 10 s for the count to return to "before".

                """);
        List<List<String>> rows = new ArrayList<>();
        for (FootprintBench.Threads t : threads) {
            rows.add(List.of(t.client(), Integer.toString(t.before()), Integer.toString(t.peakDuring()),
                    Integer.toString(t.rightAfter()), Integer.toString(t.settled()), t.settleMillis() + " ms",
                    t.lingering().isEmpty() ? "none" : String.join(", ", t.lingering())));
        }
        out.append(table(List.of("client", "before", "peak during", "right after return", "settled",
                "time to settle", "threads left over"), rows));
        out.append(String.format(Locale.ROOT, """

                Heap: used heap after 3 full GCs (`MemoryMXBean.gc()`), after %d warm-up registrations and then \
                after every %d further registrations with one registration id. Growth per registration is the \
                slope from the first to the last measurement after warm-up steps; GC and JIT bookkeeping move \
                these figures by some KiB either way.

                """, 3, 10));
        List<List<String>> heapRows = new ArrayList<>();
        for (FootprintBench.Heap heap : heaps) {
            heapRows.add(List.of(heap.client(),
                    String.join(" / ", heap.usedBytes().stream().map(Markdown::mib).toList()),
                    kib(Math.round(heap.slopeBytesPerRegistration())), heap.failures().isEmpty() ? "0"
                            : heap.failures().size() + ": " + heap.failures().get(0)));
        }
        out.append(table(List.of("client", "used heap at 0 / 10 / 20 / 30 registrations", "growth per registration (10 -> 30)",
                "registrations that failed (skipped)"), heapRows));
        out.append('\n');
        if (!failures.isEmpty()) {
            out.append("\nFailed during the footprint measurements (left out above): ").append(String.join("; ", failures))
                    .append("\n\n");
        }
        return out.toString();
    }

    /** A measurement step that may fail (the SDK sometimes times out); the failure is reported, not fatal. */
    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<String> failures, String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(what + ": " + e);
            System.out.println("  " + what + " failed: " + e);
        }
    }

    private Path deploymentPackage() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("feature/target"))) {
            return files.filter(p -> p.toString().endsWith(".dp")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .dp in feature/target: build the feature module"));
        }
    }

    private static List<Path> jars(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Renewals the hub benchmark waits for; each takes 8.5 s at the shortest token lifetime. */
    private static final int HUB_RENEWALS = 3;

    private String startup(Path work) throws Exception {
        System.out.println("4. start-up");
        StartupBench.Result result = new StartupBench(root, work).run(boots, INTERPRETED_BOOTS);
        startups = result;
        StringBuilder out = new StringBuilder("## 4. Start-up on the gateway runtime's stack\n\n");
        out.append(String.format(Locale.ROOT, """
                Each boot is a fresh JVM running Equinox 3.16 with exactly the gateway runtime's bundles \
                (`feature/target/bundles`: Kura 5 service bundles, Kura API stand-in, runtime-support with its \
                ConfigAdmin seeding from `config/runtime-demo.properties`, and ours), launched by the bench's own \
                small launcher (`StartupProbe`) rather than `kura-dps-runtime.jar`, so that the clock can start \
                right at our bundle's `start()`: every other bundle is started first. The configuration is seeded \
                by runtime-support once our metatype is there, as in the runtime, so it is inside the timed span on \
                a cold boot. The DPS simulator runs in the bench's JVM (retry-after 1 s, assigned on the first poll). \
                Cold = new framework storage, DPS contacted; cached = the same storage booted again, the assignment \
                read from the bundle's data area. %d boots each, and %d cold ones with `-Xint` (no JIT, a stand-in \
                for a slow gateway CPU); activate() time is the component's own "Activated in N ms" log line; CPU \
                is the process's (user + system, every thread: JIT and GC included) from our bundle's start() to \
                the ASSIGNED event.

                """, boots, INTERPRETED_BOOTS));
        List<List<String>> rows = new ArrayList<>();
        for (String kind : List.of("cold", "cached", "cold, -Xint")) {
            List<StartupBench.Boot> list = kind.equals("cold") ? result.cold()
                    : kind.equals("cached") ? result.cached() : result.coldInterpreted();
            if (list.isEmpty()) {
                continue;
            }
            Stats cpu = Stats.of(list.stream().map(StartupBench.Boot::cpuMs).toList());
            Stats activate = Stats.of(list.stream().map(StartupBench.Boot::activateMs).toList());
            Stats assigned = Stats.of(list.stream().map(StartupBench.Boot::startToAssignedMs).toList());
            Stats uptime = Stats.of(list.stream().map(StartupBench.Boot::jvmUptimeMs).toList());
            rows.add(List.of(kind, ms(activate.median()), ms(activate.max()), ms(assigned.median()),
                    ms(assigned.min()) + " - " + ms(assigned.max()), ms(cpu.median()), ms(uptime.median()),
                    String.join(", ", list.stream().map(StartupBench.Boot::source).distinct().toList())));
        }
        out.append(table(List.of("boot", "activate() median", "activate() max", "bundle start -> ASSIGNED median",
                "range", "CPU bundle start -> ASSIGNED median", "JVM start -> ASSIGNED median", "event source"),
                rows));
        out.append('\n');
        return out.toString();
    }

    private String hub(Path work) throws Exception {
        System.out.println("8. hub link: bundle start to telemetry accepted, reconnects per renewal");
        HubBench.Result result = new HubBench(root, work).run(boots, HUB_RENEWALS);
        hubLink = result;
        StringBuilder out = new StringBuilder("## 8. The hub link: to the first telemetry accepted, and renewals\n\n");
        out.append(String.format(Locale.ROOT, """
                Each boot is `kura-dps-runtime.jar` itself, its demo (`--exit-after-first --storage DIR`): Equinox \
                with the Kura 5 stack and the stand-ins for Kura's ConfigurationService, SslManagerService and raw \
                MQTT cloud connection, the simulator and its IoT hub in the runtime's JVM (retry-after 1 s). Timed \
                from the provisioning bundle's start (the runtime starts it once its configuration is seeded; the \
                gateway is headless, so nothing posts Kura's configuration READY) to the simulated hub \
                counting the telemetry message the runtime publishes through the transport's DataService once the \
                hub link reports CONNECTED. Cold = a new Kura data directory: DPS contacted, the raw MQTT stack \
                created, the transport written with a snapshot. Cached = the same directory again: the cached \
                assignment published first (policy `every-start` still asks DPS too), the transport restored by the \
                snapshot with an old token, then written with a fresh one. %d boots each. Renewals: one run with \
                `--hub-token-lifetime %d` (a renewal every 8.5 s), hub connections the simulated hub admitted \
                between one CONNECTED line and the next.

                """, boots, result.lifetimeSeconds()));
        List<List<String>> rows = new ArrayList<>();
        for (String kind : List.of("cold", "cached")) {
            List<HubBench.Boot> list = kind.equals("cold") ? result.cold() : result.cached();
            Stats assigned = Stats.of(list.stream().map(HubBench.Boot::startToAssignedMs).toList());
            Stats telemetry = Stats.of(list.stream().map(HubBench.Boot::startToTelemetryMs).toList());
            rows.add(List.of(kind, ms(assigned.median()), ms(telemetry.median()),
                    ms(telemetry.min()) + " - " + ms(telemetry.max()),
                    list.stream().map(boot -> Long.toString(boot.hubConnections())).toList().toString()));
        }
        out.append(table(List.of("boot", "bundle start -> ASSIGNED median", "bundle start -> telemetry accepted "
                + "median", "range", "hub connections by then, each boot"), rows));
        out.append(String.format(Locale.ROOT, "%nReconnects per renewal: %s over %d renewals (hub connections "
                + "admitted per renewal, each %s).%n%n", num(reconnectsPerRenewal(result), 2),
                result.connectionsPerRenewal().size(), result.connectionsPerRenewal()));
        return out.toString();
    }

    static double reconnectsPerRenewal(HubBench.Result result) {
        return result.connectionsPerRenewal().stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
    }

    private String fleet(Path work, List<FleetBench.PolicyResult> results) throws Exception {
        System.out.println("6. fleet reboot");
        FleetBench bench = new FleetBench(gateways, rate, Duration.ofSeconds(10), 300, work);
        bench.warmUp();
        List<FleetBench.PolicyResult> charted = new ArrayList<>();
        for (int repeat = 1; repeat <= fleetRepeats; repeat++) {
            String suffix = fleetRepeats > 1 ? ", run " + repeat : "";
            if (policies.contains("ours")) {
                results.add(bench.ours(suffix));
            }
            if (policies.contains("fixed")) {
                results.add(bench.other(FleetPolicy.FIXED_5S, suffix));
            }
            if (policies.contains("sdk")) {
                results.add(bench.other(FleetPolicy.AZURE_SDK, suffix));
            }
            if (repeat == 1) {
                charted.addAll(results);
            }
        }
        double end = results.stream().mapToDouble(r -> Double.isNaN(r.lastAssignedSeconds()) ? 0 : r.lastAssignedSeconds())
                .max().orElse(0);
        end = Math.max(end, gateways / rate) * 1.1;
        Path png = root.resolve("bench/fleet-reboot.png");
        FleetChart.write(png, charted, gateways, rate, end);

        StringBuilder out = new StringBuilder("## 6. Fleet reboot over the network\n\n");
        out.append(String.format(Locale.ROOT, """
                %d gateways in one JVM, each starting at a random moment (same seed for every policy) within the \
                first %d s, against a fresh DPS simulator per policy throttled to %.0f register requests per second \
                (token bucket holding one second's worth; excess requests get 429 with retry-after = whole seconds \
                until the next token, i.e. 1 s; polls are not throttled; 202 answers carry retry-after 1 s). \
                Policies: **ours** = the bundle's real `RegistrationFlow` with default settings (a 202's \
                retry-after honoured exactly; a 429's retry-after as a floor plus an equal jitter over a window of \
                min(backoff max, max(10 s, a third of the time throttled)); see bundle/README.md, Waiting for DPS); \
                **fixed 5 s poller** = polls and \
                re-registers every 5 s whatever DPS says (IoT Edge style); **Azure SDK policy** = retry-after \
                clamped to [2 s, 5 s], a 429 ends the registration (the SDK does not retry it; the application \
                would have to call again).

                What was simplified to fit %d clients on 2 cores: the gateways do not use Paho (6 threads per \
                client) but a small Netty MQTT 3.1.1 client over TLS sharing 2 event-loop threads (`FleetLink`); \
                ours runs the real `RegistrationFlow` (its timers on the event loop), the other two policies run \
                a minimal state machine (`PolicyGateway`) that sends the same packets built by our protocol core. \
                TLS is real (server certificate checked against the simulator's CA, no host name check), as are \
                the simulator and its throttle. Requests are counted by the simulator. A smaller unrecorded run \
                (N/5 gateways, ours) warms the JVM first; then the policies run in turn, %d time(s) each, \
                interleaved; the chart shows the first run of each.

                """, gateways, bench.startWindow().toSeconds(), rate, gateways, fleetRepeats));
        List<List<String>> rows = new ArrayList<>();
        for (FleetBench.PolicyResult r : results) {
            double floor = gateways / rate;
            rows.add(List.of(r.label(), r.assigned() + " / " + r.gateways(),
                    r.allAssigned() ? num(r.lastAssignedSeconds(), 1) + " s" : "never (" + r.failed() + " gave up)",
                    r.allAssigned() ? num(r.lastAssignedSeconds() / floor, 2) : "-",
                    Double.isNaN(r.lastAssignedSeconds()) ? "-" : num(r.lastAssignedSeconds(), 1) + " s",
                    Long.toString(r.registers()), Long.toString(r.polls()), Long.toString(r.connects()),
                    Long.toString(r.requests()), Long.toString(r.throttled()),
                    num((double) r.registers() / Math.max(1, r.assigned()), 1)));
        }
        out.append(table(List.of("policy", "assigned", "time until all assigned", "time / floor N/R",
                "last assignment at", "register requests", "polls", "MQTT CONNECTs", "requests total (CONNECT + register + poll)",
                "429 received", "register requests per assigned gateway"), rows));
        out.append(String.format(Locale.ROOT, """

                Floor N / R = %d / %.0f = %.1f s (the bucket's initial burst of %.0f makes the strict floor %.1f s).

                ![assigned gateways over time](fleet-reboot.png)

                """, gateways, rate, gateways / rate, rate, (gateways - rate) / rate));
        for (FleetBench.PolicyResult r : results) {
            out.append("- ").append(r.label()).append(": waits before a retry, by cause: ")
                    .append(r.retryCauses().isEmpty() ? "none" : r.retryCauses().toString())
                    .append(r.failureReasons().isEmpty() ? "" : "; gave up: " + r.failureReasons()).append('\n');
        }
        out.append('\n');
        return out.toString();
    }

    private String timeline(BenchDps dps) throws Exception {
        System.out.println("2. where the time goes");
        TimelineBench bench = new TimelineBench(dps, TIMELINE_REGISTRATIONS);
        List<TimelineBench.Summary> summaries = new ArrayList<>(bench.run(Duration.ZERO));
        summaries.addAll(bench.run(Duration.ofMillis(50)));
        StringBuilder out = new StringBuilder("## 2. Where the time goes\n\n");
        out.append(String.format(Locale.ROOT, """
                One registration, step by step, on the client's side: median over %d registrations per client and \
                scenario (after 2 warm-up ones), in ms since the call, and in brackets the step's own time. The \
                MQTT steps come from Paho's own trace (both clients run on Paho 1.2.5, so the same lines time both; \
                the trace is on only here), the TCP and TLS steps from the relay: when it accepted the connection, \
                and when the client's second flight (its TLS Finished) passed it. "Network module started" is Paho's \
                receiver starting after the handshake and host name check. With 50 ms per round trip the TCP \
                handshake's round trip is held by the relay before the ClientHello reaches the simulator, so it \
                shows in the TLS step.

                """, TIMELINE_REGISTRATIONS));
        List<String> header = new ArrayList<>(List.of("step"));
        summaries.forEach(summary -> header.add(summary.client() + ", " + (summary.roundTrip().isZero() ? "loopback"
                : "+" + summary.roundTrip().toMillis() + " ms RTT")));
        List<List<String>> rows = new ArrayList<>();
        for (String step : TimelineBench.STEPS) {
            List<String> row = new ArrayList<>(List.of(step));
            for (TimelineBench.Summary summary : summaries) {
                double at = summary.steps().get(step);
                int index = TimelineBench.STEPS.indexOf(step);
                double before = index == 0 ? 0 : summary.steps().get(TimelineBench.STEPS.get(index - 1));
                row.add(Double.isNaN(at) ? "-" : num(at, 1) + " (+" + num(at - before, 1) + ")");
            }
            rows.add(row);
        }
        out.append(table(header, rows));
        out.append("""

                The simulator's own handling, seen from the relay's side towards it (one loopback hop each way \
                included): from a request's last bytes written to it until the first bytes of its answer came back, \
                median ms.

                """);
        List<List<String>> server = new ArrayList<>();
        for (String step : TimelineBench.SERVER_STEPS) {
            List<String> row = new ArrayList<>(List.of(step));
            summaries.forEach(summary -> row.add(num(summary.server().get(step), 2)));
            server.add(row);
        }
        out.append(table(header, server));
        out.append("""

                What was found and removed (bench/README.md has the figures from before):
                - **Paho's start-up sleeps.** After the TLS handshake, Paho 1.2.5 starts its receiver, sender and \
                callback threads one after the other and, after each, sleeps 100 ms before it looks whether the \
                thread runs (`while (!isRunning()) Thread.sleep(100)` in `CommsReceiver`, `CommsSender`, \
                `CommsCallback.start`); it submits while holding the lock the thread needs to say it runs, so it never \
                runs at the first look. That was the 230-330 ms between "Connecting" and "Subscribing" in the \
                runtime's log, on every connection, warm or not. The SDK still pays it (its "CONNECT sent" step \
                above). Ours now wakes Paho's connect thread from that sleep as soon as each thread runs \
                (`PahoExecutor`).
                - **Nagle's algorithm on the client's socket.** With Paho's 300 ms gone, the CONNECT followed the \
                client's TLS Finished at once and waited for its acknowledgement, which Linux delays by up to 40 ms: \
                CONNECT to CONNACK took 43 ms on loopback. Ours sets TCP_NODELAY (`NoDelaySocketFactory`); the \
                simulator's Netty side and the relay already did.
                - Not the cause: the simulator (a few ms per answer above, TLS included), reverse DNS (none is made: \
                the host name goes to the socket as given), SecureRandom seeding (the flow's start is under a \
                millisecond, section 3).

                """);
        return out.toString();
    }

    private String cold(BenchDps dps, Path work) throws Exception {
        System.out.println("3. first registration in a fresh JVM");
        ColdStartBench bench = new ColdStartBench(dps, work);
        List<ColdStartBench.Series> series = new ArrayList<>(bench.run(COLD_BOOTS, false));
        series.addAll(bench.run(INTERPRETED_BOOTS, true));
        coldStarts = series;
        StringBuilder out = new StringBuilder("## 3. The first registration in a fresh JVM\n\n");
        out.append(String.format(Locale.ROOT, """
                What a gateway does once per boot, often on a slow ARM CPU: each boot is a JVM of its own \
                (`ColdStartProbe`) that registers once through the relay with the simulator of section 1 and exits. \
                CPU = the process's user + system time (every thread: JIT compiler and GC included, as the gateway \
                pays them) from just before the client's first class is touched (the CA file is parsed inside the \
                span, by the same JDK code for both) until the client returns the assignment; wall time beside it \
                (ours waits 1 s of retry-after in it, the SDK 2 s). %d boots per client, alternating, and %d each with \
                `-Xint` (no JIT: a stand-in for a slow gateway). Section 4 has ours from bundle start in Equinox.

                """, COLD_BOOTS, INTERPRETED_BOOTS));
        List<List<String>> rows = new ArrayList<>();
        for (boolean interpreted : List.of(false, true)) {
            ColdStartBench.Series ours = series.stream().filter(c -> c.interpreted() == interpreted
                    && c.client().equals("ours")).findFirst().orElseThrow();
            ColdStartBench.Series sdk = series.stream().filter(c -> c.interpreted() == interpreted
                    && !c.client().equals("ours")).findFirst().orElseThrow();
            if (ours.cpuMs().isEmpty() || sdk.cpuMs().isEmpty()) {
                continue;
            }
            rows.add(List.of(interpreted ? "-Xint" : "JIT (default)", ms(ours.cpu().median()),
                    ms(ours.cpu().min()) + " - " + ms(ours.cpu().max()), ms(sdk.cpu().median()),
                    ms(sdk.cpu().min()) + " - " + ms(sdk.cpu().max()), num(ours.cpu().median() / sdk.cpu().median(), 2),
                    ms(ours.wall().median()), ms(sdk.wall().median())));
        }
        out.append(table(List.of("JVM", "ours CPU median", "ours CPU range", "SDK CPU median", "SDK CPU range",
                "ratio ours/SDK (CPU)", "ours wall median", "SDK wall median"), rows));
        for (ColdStartBench.Series one : series) {
            if (!one.failures().isEmpty()) {
                out.append("\n").append(one.client()).append(one.interpreted() ? " (-Xint)" : "")
                        .append(" failed: ").append(String.join("; ", one.failures())).append('\n');
            }
        }
        out.append("""

                Cut from ours: Jackson's data binding. Building an `ObjectMapper` and its first tree cost about \
                250 ms of CPU in a fresh JVM (460 classes), a third of our cold registration; the bodies and the \
                assignment cache are now read and written with Jackson's streaming parser and generator (about 70 \
                ms). The bundled DPS roots are parsed once per bundle start, no longer per registration. Both \
                clients pay alike for the JDK's TLS and X.509 start-up and for Paho.

                """);
        return out.toString();
    }

    private String fleetScale(List<FleetBench.PolicyResult> realFleet) throws Exception {
        System.out.println("7. fleet at scale (simulated time)");
        scale = new FleetScaleBench().run(FleetScaleBench.SCALES);
        Path png = root.resolve("bench/fleet-scale.png");
        FleetScaleChart.write(png, scale, 50);
        FleetSimulation.Model model = FleetSimulation.Model.of(2000, 50);
        StringBuilder out = new StringBuilder("## 7. Fleet at scale, in simulated time\n\n");
        out.append(String.format(Locale.ROOT, """
                A discrete-event simulation (`FleetSimulation`), one thread: N gateways start at moments drawn from \
                the seeded sequence of section 6 within %d s, against a modelled DPS whose register requests pass \
                the simulator's own `TokenBucket` (one second's worth of burst; a refused request gets 429 with \
                retry-after = whole seconds until the next token), 202 with retry-after 1 s, assignment on the \
                first poll, polls not throttled; %d ms per MQTT round trip, %d ms more to connect. **ours** is the \
                bundle's real `RegistrationFlow` with default settings on the simulation's clock; a run that ends at \
                `deadline.seconds` is followed by a fresh one after the component's pause (60 s doubling, equal \
                jitter; modelled in `ComponentRestarts`), handed the time throttled as the component's registrar \
                hands it. **previous** is the policy ours had before issue 15 (a 429's retry-after plus a full \
                jitter of up to min(backoff max, 1 s x 2^(n-1), 8 x retry-after)), as a model, with the same \
                deadline and pause; **fixed-5s** and **sdk** as in section 6. Requests per gateway = register \
                requests / N. Floor = N / R.

                """, model.startWindow().toSeconds(), model.roundTrip().toMillis(),
                model.connectSetUp().toMillis()));
        List<List<String>> rows = new ArrayList<>();
        for (FleetScaleBench.Row row : scale) {
            rows.add(List.of(Integer.toString(row.gateways()), num(row.rate(), 1), row.policy(),
                    row.result().assigned() + " / " + row.gateways(),
                    Double.isNaN(row.makespanSeconds()) ? "never (" + row.result().failed() + " gave up)"
                            : num(row.makespanSeconds(), 1) + " s",
                    Double.isNaN(row.makespanSeconds()) ? "-" : num(row.makespanSeconds() / row.floorSeconds(), 2),
                    num(row.medianAssignedSeconds(), 1) + " s", num(row.floorSeconds(), 1) + " s",
                    num(row.requestsPerGateway(), 2), Long.toString(row.result().throttled()),
                    Long.toString(row.result().connects() - row.gateways()), num(row.wallSeconds(), 1) + " s"));
        }
        out.append(table(List.of("gateways", "rate /s", "policy", "assigned", "time until all assigned",
                "/ floor", "median assigned at", "floor N / R", "register requests per gateway", "429s",
                "fresh runs (after a deadline)", "simulated in"), rows));
        out.append("\n![requests per gateway and time over the floor against N](fleet-scale.png)\n\n");
        out.append(validation(realFleet));
        return out.toString();
    }

    /** The simulation against the real-network run of section 6 at the same size and rate, where both ran. */
    private String validation(List<FleetBench.PolicyResult> realFleet) {
        StringBuilder out = new StringBuilder("Validation against the real-network run of section 6 (")
                .append(gateways).append(" gateways at ").append(num(rate, 0))
                .append("/s; its first run of each policy):\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (String policy : List.of("ours", FleetPolicy.FIXED_5S.key())) {
            String label = policy.equals("ours") ? "ours (RegistrationFlow)" : FleetPolicy.FIXED_5S.label();
            FleetBench.PolicyResult real = realFleet.stream().filter(r -> r.label().startsWith(label)).findFirst()
                    .orElse(null);
            FleetScaleBench.Row simulated = scale.stream().filter(r -> r.policy().equals(policy)
                    && r.gateways() == gateways && r.rate() == rate).findFirst()
                    .orElseGet(() -> new FleetScaleBench().run(gateways, rate, policy));
            if (real == null || !real.allAssigned()) {
                continue;
            }
            double realRequests = (double) real.registers() / real.gateways();
            rows.add(List.of(policy, num(real.lastAssignedSeconds(), 1) + " s", num(simulated.makespanSeconds(), 1)
                    + " s", percent(simulated.makespanSeconds(), real.lastAssignedSeconds()), num(realRequests, 2),
                    num(simulated.requestsPerGateway(), 2), percent(simulated.requestsPerGateway(), realRequests)));
        }
        if (rows.isEmpty()) {
            return out.append("(section 6 did not run, or not to the end: no comparison)\n\n").toString();
        }
        out.append(table(List.of("policy", "real: all assigned", "simulated", "difference", "real: requests per gateway",
                "simulated", "difference"), rows));
        return out.append('\n').toString();
    }

    private static String percent(double value, double reference) {
        return String.format(Locale.ROOT, "%+.1f %%", 100 * (value - reference) / reference);
    }
}
