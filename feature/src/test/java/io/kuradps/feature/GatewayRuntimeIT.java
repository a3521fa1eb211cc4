package io.kuradps.feature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import io.kuradps.simulator.DpsSimulator;

/** Runs the gateway runtime jar as a user does, in its own JVM. */
public class GatewayRuntimeIT {

    private static final String DEMO_HUB = "kura-dps-demo-hub.azure-devices.net";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void demoProvisionsAgainstTheBuiltInSimulatorAndExitsWithZero() throws Exception {
        long start = System.nanoTime();
        Run run = Run.start("--exit-after-first", "--timeout", "60");

        assertThat(run.awaitExit(90)).as(run.output()).isEqualTo(0);
        assertThat(run.output()).contains("ASSIGNED: hub " + DEMO_HUB + ", device id kura-gateway-demo (source dps)");
        System.out.printf("runtime: hub printed and JVM exited after %.1f s%n", (System.nanoTime() - start) / 1e9);
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
            writeDemoConfiguration(config, dps);
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

    /** The previous run's configuration is gone with the framework storage; only the new one is seeded. */
    @Test
    public void restartOnKeptStorageStartsFromTheNewConfigurationWithoutError() throws Exception {
        String storage = this.folder.newFolder("kura-data").toString();
        Run first = Run.start("--storage", storage, "--exit-after-first", "--timeout", "60");
        assertThat(first.awaitExit(90)).as(first.output()).isEqualTo(0);
        Matcher firstCa = Pattern.compile(", CA (\\S+)$", Pattern.MULTILINE).matcher(first.output());
        assertThat(firstCa.find()).as(first.output()).isTrue();

        Run second = Run.start("--storage", storage, "--exit-after-first", "--timeout", "60");

        assertThat(second.awaitExit(90)).as(second.output()).isEqualTo(0);
        assertThat(second.output()).contains("ASSIGNED: hub " + DEMO_HUB).doesNotContain(firstCa.group(1))
                .doesNotContainPattern("(?m)^\\S+ (ERROR|WARN) ");
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

    /** The demo's configuration sample, pointed at {@code dps} as the runtime does for its own simulator. */
    private static void writeDemoConfiguration(Path file, DpsSimulator dps) throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(KuraStack.configDirectory().resolve("runtime-demo.properties"))) {
            properties.load(reader);
        }
        properties.setProperty("global.endpoint", dps.host() + ":" + dps.mqttPort());
        properties.setProperty("ca.file", dps.caCertificateFile().toAbsolutePath().toString());
        try (var writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
    }

    /** One runtime process with its merged stdout and stderr collected. */
    private static final class Run {

        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final CompletableFuture<Void> drained;
        private final CountDownLatch wanted = new CountDownLatch(1);
        private volatile String awaited;

        private Run(Process process) {
            this.process = process;
            this.drained = CompletableFuture.runAsync(this::drain);
        }

        static Run start(String... args) throws IOException {
            Path jar = Paths.get(System.getProperty("kuradps.runtimeJar", "target/kura-dps-runtime.jar"));
            List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", jar.toString()));
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
            this.awaited = text;
            if (output().contains(text)) {
                return true;
            }
            return this.wanted.await(seconds, TimeUnit.SECONDS);
        }

        synchronized String output() {
            return String.join("\n", this.lines);
        }

        private void drain() {
            try (var reader = this.process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (this) {
                        this.lines.add(line);
                    }
                    String text = this.awaited;
                    if (text != null && line.contains(text)) {
                        this.wanted.countDown();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    this.lines.add("(output ended: " + e + ")");
                }
            }
        }
    }
}
