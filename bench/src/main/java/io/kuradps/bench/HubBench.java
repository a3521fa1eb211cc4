package io.kuradps.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 8: the hub link on the gateway runtime, each boot the runtime jar itself ({@code kura-dps-runtime.jar},
 * its demo: the simulator with its IoT hub in the runtime's JVM) with {@code -Dkuradps.runtime.timing=true}, which
 * follows each CONNECTED line with the times since the provisioning bundle's start and the hub connections the
 * simulated hub admitted. Cold: a new Kura data directory (no cache, no snapshot); cached: the same directory
 * again, so the assignment comes from the cache and the transport from the newest snapshot. Renewals: one run
 * with the shortest token lifetime the hub link takes, counting the hub connections each renewal costs.
 */
final class HubBench {

    record Boot(double startToAssignedMs, double startToTelemetryMs, long hubConnections) {
    }

    record Result(List<Boot> cold, List<Boot> cached, int lifetimeSeconds, List<Long> connectionsPerRenewal) {
    }

    /** HubConnectionConfig.TOKEN_LIFETIME_MIN: renewals every 8.5 s at the default 85 %. */
    static final int LIFETIME_SECONDS = 10;
    private static final Pattern TIMING = Pattern.compile("TIMING bundleStartToAssignedMs=(\\S+) "
            + "bundleStartToTelemetryAcceptedMs=(\\S+) hubConnections=(-?\\d+)");

    private final Path root;
    private final Path work;

    HubBench(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    Result run(int boots, int renewals) throws Exception {
        Path jar = runtimeJar(root);
        List<Boot> cold = new ArrayList<>();
        List<Boot> cached = new ArrayList<>();
        for (int i = 0; i < boots; i++) {
            Path storage = work.resolve("hub-kura-data-" + i);
            cold.add(boot(jar, storage));
            cached.add(boot(jar, storage));
            System.out.printf("  boot %d: cold %.0f ms, cached %.0f ms to telemetry accepted%n", i,
                    cold.get(i).startToTelemetryMs(), cached.get(i).startToTelemetryMs());
        }
        List<Long> perRenewal = renewals(jar, renewals);
        System.out.printf("  renewals: hub connections per renewal %s%n", perRenewal);
        return new Result(cold, cached, LIFETIME_SECONDS, perRenewal);
    }

    private List<String> command(Path jar, String... args) {
        return runtimeCommand(root, jar, List.of(), args);
    }

    /**
     * The runtime jar's command line: this JVM's java, the TIMING line on, only loopback names (the hub names go
     * nowhere but the simulator's route), these JVM options, then the runtime's arguments.
     */
    static List<String> runtimeCommand(Path root, Path jar, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dkuradps.runtime.timing=true",
                "-Djdk.net.hosts.file=" + root.resolve("simulator/src/test/resources/loopback-hosts")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** The runtime jar built by the feature module; fails naming how to build it. */
    static Path runtimeJar(Path root) {
        Path jar = root.resolve("feature/target/kura-dps-runtime.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the feature module first (bench/run does)");
        }
        return jar;
    }

    /** Runs the runtime to its exit 0 within 180 s; its output, kept in a log under {@code work}. */
    static String runToExit(List<String> command, Path work) throws Exception {
        Path log = Files.createTempFile(work, "runtime", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the runtime took over 180 s; log in " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the runtime exited " + process.exitValue() + "; log in " + log);
        }
        return Files.readString(log);
    }

    private Boot boot(Path jar, Path storage) throws Exception {
        String output = runToExit(command(jar, "--exit-after-first", "--timeout", "120", "--storage",
                storage.toString()), work);
        Matcher timing = TIMING.matcher(output);
        if (!timing.find()) {
            throw new IllegalStateException("the runtime printed no TIMING line:\n" + output);
        }
        return boot(timing);
    }

    private static Boot boot(Matcher timing) {
        return new Boot(Double.parseDouble(timing.group(1)), Double.parseDouble(timing.group(2)),
                Long.parseLong(timing.group(3)));
    }

    /** Hub connections admitted between one CONNECTED line and the next, once per renewal. */
    private List<Long> renewals(Path jar, int renewals) throws Exception {
        Path log = work.resolve("hub-renewals.log");
        Process process = new ProcessBuilder(command(jar, "--hub-token-lifetime", Integer.toString(LIFETIME_SECONDS),
                "--storage", work.resolve("hub-kura-data-renewals").toString())).redirectErrorStream(true).start();
        List<Long> connections = new ArrayList<>();
        int renewed = 0;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var lines = Files.newBufferedWriter(log)) {
            // Bounded by the process: it is stopped below, or ends by itself, and then the output ends.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor((renewals + 4L) * LIFETIME_SECONDS + 120, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }, "hub-bench-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                lines.write(line);
                lines.newLine();
                if (line.startsWith("TOKEN_RENEWED:")) {
                    renewed++;
                }
                Matcher timing = TIMING.matcher(line);
                if (timing.find()) {
                    connections.add(boot(timing).hubConnections());
                    if (renewed >= renewals && connections.size() > renewals) {
                        // SIGTERM through the handle: Process.destroy() would also close the pipe being read.
                        process.toHandle().destroy();
                    }
                }
            }
        }
        process.waitFor(60, TimeUnit.SECONDS);
        if (renewed < renewals || connections.size() <= renewals) {
            throw new IOException("the runtime showed " + renewed + " renewals and " + connections.size()
                    + " CONNECTED lines, not " + renewals + " and " + (renewals + 1) + "; log in " + log);
        }
        List<Long> perRenewal = new ArrayList<>();
        for (int i = 1; i <= renewals; i++) {
            perRenewal.add(connections.get(i) - connections.get(i - 1));
        }
        return perRenewal;
    }
}
