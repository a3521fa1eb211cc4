package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.kuradps.simulator.DpsSimulator;

/**
 * Runs the gateway runtime jar as a user does, in its own JVM; with only loopback names resolvable
 * ({@code jdk.net.hosts.file}), so the hub names reach nothing but the simulator's route.
 */
public class GatewayRuntimeIT {

    private static final String DEMO_HUB = "kura-dps-demo-hub.azure-devices.net";
    private static final String CONNECTED = "CONNECTED: hub " + DEMO_HUB + " as kura-gateway-demo, telemetry accepted";
    /**
     * An error or warning of anything but Kura's stand-ins, whose own lines are Kura's (e.g. its transport's "SSL setup
     * failed" when the keystore goes at a shutdown, as Kura logs it).
     */
    private static final String ADD_ON_TROUBLE = "(?m)^\\S+ (ERROR|WARN) (?!StandIn)";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void demoProvisionsConnectsShowsTheTwinAndAMethodAndExitsWithZeroOnceTheHubAcceptedTelemetry()
            throws Exception {
        long start = System.nanoTime();
        Run run = Run.start("--exit-after-first", "--timeout", "60");

        assertThat(run.awaitExit(90)).as(run.output()).isEqualTo(0);
        assertThat(run.output()).contains("ASSIGNED: hub " + DEMO_HUB + ", device id kura-gateway-demo (source dps)")
                .containsPattern("(?m)^" + Pattern.quote(CONNECTED) + "$")
                .containsPattern("(?m)^\\S+ INFO StandInMqttDataTransport - Connected to ssl://" + Pattern.quote(DEMO_HUB)
                        + ":8883$");
        assertThat(run.output().indexOf(CONNECTED)).isGreaterThan(run.output().indexOf("ASSIGNED: hub"));
        // The gateway as an IoT Hub device: its provisioning state in the twin, and kuraDps.status answered.
        assertThat(run.output()).containsPattern("(?m)^TWIN: hub " + Pattern.quote(DEMO_HUB)
                + " stored reported kuraDps \\(\\$version \\d+\\): \\{\"hub\":\"" + Pattern.quote(DEMO_HUB)
                + "\",\"deviceId\":\"kura-gateway-demo\",.*\"source\":\"dps\".*\\}$")
                .containsPattern("(?m)^METHOD: kuraDps.status answered 200: \\{\"state\":\"ASSIGNED\".*\\}$")
                .containsPattern("(?m)^Invoke it yourself: curl -s -X POST http://127.0.0.1:\\d+/twins/"
                        + "kura-gateway-demo/methods ");
        assertThat(run.output().indexOf("METHOD: ")).isGreaterThan(run.output().indexOf(CONNECTED));
        System.out.printf("runtime: CONNECTED printed and JVM exited after %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * The runtime stops as Kura does, its CryptoService and SystemService first, the add-on still running
     * (runtime-support/README.md, "Shutdown order"): that is no failure of the add-on, so neither a FAILED line nor an
     * error of it comes after CONNECTED.
     */
    @Test
    public void aShutdownWithKurasCryptoServiceGoingFirstIsNoFailure() throws Exception {
        Run run = Run.start("--exit-after-first", "--timeout", "60");

        assertThat(run.awaitExit(90)).as(run.output()).isEqualTo(0);
        String shutdown = run.output().substring(run.output().indexOf(CONNECTED));
        assertThat(shutdown).contains("The framework stops: the CryptoService goes first")
                .doesNotContain("FAILED").doesNotContainPattern(ADD_ON_TROUBLE);
    }

    /** The hub link writes a fresh token before the old one expires; the transport reconnects and telemetry flows. */
    @Test
    public void aShortHubTokenLifetimeShowsRenewalsAndTheRuntimeKeepsGoing() throws Exception {
        Run run = Run.start("--hub-token-lifetime", "10");

        assertThat(run.awaitOutput(text -> text.contains(CONNECTED), 60)).as(run.output()).isTrue();
        // 85 % of 10 s: the renewal comes after 8.5 s, then the reconnect and the next CONNECTED line.
        assertThat(run.awaitOutput(text -> text.contains("TOKEN_RENEWED: hub " + DEMO_HUB) && text.indexOf(CONNECTED,
                text.indexOf("TOKEN_RENEWED: hub ")) > 0, 60)).as(run.output()).isTrue();
        assertThat(run.process.isAlive()).as("still running after a renewal").isTrue();

        assertThat(run.process.toHandle().destroy()).isTrue();
        run.awaitExit(60);
        assertThat(run.output()).containsPattern("(?m)^TOKEN_RENEWED: hub " + Pattern.quote(DEMO_HUB)
                + " as kura-gateway-demo, token valid until \\S+Z$");
    }

    /**
     * As on Kura, the framework storage is wiped at every start and only Kura's data directory (--storage)
     * persists: the cached assignment must be there, or a gateway whose DPS is unreachable after a reboot has
     * no hub.
     */
    @Test
    public void restartWithDpsDownPublishesTheAssignmentCachedInKurasDataDirectory() throws Exception {
        Path storage = this.folder.newFolder("kura-data").toPath();
        Path config = this.folder.getRoot().toPath().resolve("dps.properties");
        try (DpsSimulator dps = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0)
                .enrollmentsFile(KuraStack.configDirectory().resolve("simulator-enrollments.json"))
                .caDirectory(this.folder.newFolder("simulator-ca").toPath()).start()) {
            // The hub link off: its hub would be the real name, which only the demo routes to the simulator.
            writeDemoConfiguration(config, dps, "kura.service.pid=io.kuradps.provisioning.HubConnection\nenabled=false\n");
            Run first = Run.start("--config", config.toString(), "--storage", storage.toString(), "--exit-after-first",
                    "--timeout", "60");
            assertThat(first.awaitExit(90)).as(first.output()).isEqualTo(0);
            assertThat(first.output()).contains("device id kura-gateway-demo (source dps)");
        }

        // The cached hub is published before DPS is tried: no need to wait for the retries to give up.
        Run second = Run.start("--config", config.toString(), "--storage", storage.toString(), "--exit-after-first",
                "--timeout", "30");

        assertThat(second.awaitExit(60)).as(second.output()).isEqualTo(0);
        assertThat(second.output()).contains("ASSIGNED: hub " + DEMO_HUB + ", device id kura-gateway-demo (source cache)");
    }

    /**
     * The previous run's configuration is gone with the framework storage, and the newest snapshot (Kura's data
     * directory) brings back the transport with an old token; the new configuration is seeded over it, and the hub
     * link writes a fresh token and connects again.
     */
    @Test
    public void restartOnKeptStorageStartsFromTheNewConfigurationAndReconnectsWithoutError() throws Exception {
        String storage = this.folder.newFolder("kura-data").toString();
        Run first = Run.start("--storage", storage, "--exit-after-first", "--timeout", "60");
        assertThat(first.awaitExit(90)).as(first.output()).isEqualTo(0);
        Matcher firstCa = Pattern.compile(", CA (\\S+)$", Pattern.MULTILINE).matcher(first.output());
        assertThat(firstCa.find()).as(first.output()).isTrue();

        Run second = Run.start("--storage", storage, "--exit-after-first", "--timeout", "60");

        assertThat(second.awaitExit(90)).as(second.output()).isEqualTo(0);
        assertThat(second.output()).contains("ASSIGNED: hub " + DEMO_HUB).contains(CONNECTED)
                .doesNotContain(firstCa.group(1)).doesNotContainPattern(ADD_ON_TROUBLE);
        assertThat(Files.list(Paths.get(storage, "snapshots"))).as("snapshots kept in Kura's data directory")
                .hasSizeGreaterThan(1);
    }

    @Test
    public void invalidConfigurationEndsWithFailedAndExitCodeOne() throws Exception {
        Path config = this.folder.newFile("wrong-scope.properties").toPath();
        // A typo in a real-DPS configuration: refused before any connection is tried (nothing listens there).
        Files.writeString(config, String.join("\n",
                "kura.service.pid=io.kuradps.provisioning.DpsProvisioner",
                "enabled=true",
                "global.endpoint=127.0.0.1:1",
                "id.scope=0ne00000000",
                "registration.id=Not A Valid Registration Id",
                "symmetric.key=DfWFmJ5PfKyneA3UOtnHVcjBwxxBnlN3n+ANQ5VWj5g="), StandardCharsets.UTF_8);

        Run run = Run.start("--config", config.toString(), "--exit-after-first", "--timeout", "60");

        assertThat(run.awaitExit(90)).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("FAILED").contains("registration.id");
    }

    @Test
    public void misspelledPropertyIsReportedAndExitsWithOne() throws Exception {
        Path config = this.folder.newFile("typo.properties").toPath();
        Files.writeString(config, "kura.service.pid=io.kuradps.provisioning.DpsProvisioner\nid.scop=0ne00000000\n",
                StandardCharsets.UTF_8);

        Run run = Run.start("--config", config.toString(), "--exit-after-first", "--timeout", "60");

        assertThat(run.awaitExit(90)).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("FAILED: configuration not seeded").contains("'id.scop' is not a property");
    }

    @Test
    public void unknownOptionIsAUsageError() throws Exception {
        Run run = Run.start("--no-such-option");

        assertThat(run.awaitExit(30)).isEqualTo(2);
        assertThat(run.output()).contains("unknown option: --no-such-option").contains("Usage:");
    }

    @Test
    public void terminationStopsTheFrameworkAndSimulatorAndRemovesItsFiles() throws Exception {
        Run run = Run.start();
        assertThat(run.awaitLine("ASSIGNED: hub", 60)).as(run.output()).isTrue();
        Matcher ca = Pattern.compile(", CA (\\S+)$", Pattern.MULTILINE).matcher(run.output());
        assertThat(ca.find()).as(run.output()).isTrue();
        Path workDirectory = Paths.get(ca.group(1)).getParent().getParent();
        assertThat(workDirectory).exists();

        // SIGTERM, the same shutdown path as Ctrl-C. Through the handle, because Process.destroy() would also
        // close the pipe the remaining output comes through.
        assertThat(run.process.toHandle().destroy()).isTrue();

        run.awaitExit(60);
        assertThat(run.output()).contains("Stopped the framework and the DPS simulator");
        assertThat(workDirectory).as("temporary framework storage and CA removed").doesNotExist();
    }

    /**
     * The demo's configuration sample, pointed at {@code dps} as the runtime does for its own simulator: a later
     * section of a PID overrides its values.
     */
    private static void writeDemoConfiguration(Path file, DpsSimulator dps, String more) throws IOException {
        Files.writeString(file, Files.readString(KuraStack.configDirectory().resolve("runtime-demo.properties"))
                + "\nkura.service.pid=io.kuradps.provisioning.DpsProvisioner\nglobal.endpoint=" + dps.host() + ":"
                + dps.mqttPort() + "\nca.file=" + dps.caCertificateFile().toAbsolutePath() + "\n" + more);
    }

    /** One runtime process with its merged stdout and stderr collected. */
    private static final class Run {

        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final CompletableFuture<Void> drained;

        private Run(Process process) {
            this.process = process;
            this.drained = CompletableFuture.runAsync(this::drain);
        }

        static Run start(String... args) throws IOException {
            Path jar = Paths.get(System.getProperty("kuradps.runtimeJar", "target/kura-dps-runtime.jar"));
            List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            String hosts = System.getProperty("kuradps.loopbackHosts");
            if (hosts != null) {
                command.add("-Djdk.net.hosts.file=" + hosts);
            }
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(List.of(args));
            return new Run(new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start());
        }

        int awaitExit(long seconds) throws Exception {
            if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
                this.process.destroyForcibly();
                throw new AssertionError("runtime still running after " + seconds + " s:\n" + output());
            }
            this.drained.get(10, TimeUnit.SECONDS);
            return this.process.exitValue();
        }

        boolean awaitLine(String text, long seconds) throws InterruptedException {
            return awaitOutput(output -> output.contains(text), seconds);
        }

        /** Waits, at most {@code seconds}, until the output so far satisfies the condition. */
        synchronized boolean awaitOutput(Predicate<String> condition, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!condition.test(output())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized String output() {
            return String.join("\n", this.lines);
        }

        private void drain() {
            try (var reader = this.process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (this) {
                        this.lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    this.lines.add("(output ended: " + e + ")");
                    notifyAll();
                }
            }
        }
    }
}
