package io.kuradps.bench;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark 2: start-up on the gateway runtime's bundle set (Kura 5 stack), each boot a fresh JVM. Cold: a new
 * framework storage, so DPS is contacted. Cached: the storage of a cold boot, so the assignment comes from the
 * bundle's cache.
 */
final class StartupBench {

    /** One boot. */
    record Boot(double activateMs, double startToAssignedMs, String source, double jvmUptimeMs, double cpuMs) {
    }

    record Result(List<Boot> cold, List<Boot> cached, List<Boot> coldInterpreted) {
    }

    private static final Pattern ACTIVATED = Pattern.compile("Activated in (\\d+) ms");
    private static final Pattern PROBE = Pattern.compile(StartupProbe.RESULT
            + " startCallMs=\\S+ startToAssignedMs=(\\S+) source=(\\S+) jvmUptimeMs=(\\d+) cpuMs=(\\S+)");
    private static final String REGISTRATION_ID = "kura-gateway-bench";
    private static final String KEY = "DfWFmJ5PfKyneA3UOtnHVcjBwxxBnlN3n+ANQ5VWj5g=";

    private final Path root;
    private final Path work;
    private final String classPath;

    StartupBench(Path root, Path work) {
        this.root = root;
        this.work = work;
        this.classPath = System.getProperty("java.class.path");
    }

    /** {@code boots} cold and cached boots, and {@code interpretedBoots} cold ones with {@code -Xint}. */
    Result run(int boots, int interpretedBoots) throws Exception {
        Path bundles = root.resolve("feature/target/bundles");
        if (!Files.isDirectory(bundles)) {
            throw new IllegalStateException(bundles + " is missing: build the feature module first (bench/run does)");
        }
        try (DpsSimulator simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1)
                .caDirectory(work.resolve("startup-ca")).retryAfterSeconds(1).pollsBeforeAssignment(1)
                .enrollments(Enrollments.of(Enrollment.individual(REGISTRATION_ID, Attestation.symmetricKey(KEY))
                        .withIotHubs("startup-hub.azure-devices.net")))
                .start()) {
            Path config = configuration(simulator);
            List<Boot> cold = new ArrayList<>();
            List<Boot> cached = new ArrayList<>();
            for (int i = 0; i < boots; i++) {
                Path storage = work.resolve("startup-osgi-" + i);
                cold.add(boot(bundles, config, storage, false));
                cached.add(boot(bundles, config, storage, false));
                System.out.printf("  boot %d: cold %.0f ms (activate %.0f ms), cached %.0f ms (activate %.0f ms)%n", i,
                        cold.get(i).startToAssignedMs(), cold.get(i).activateMs(), cached.get(i).startToAssignedMs(),
                        cached.get(i).activateMs());
            }
            List<Boot> interpreted = new ArrayList<>();
            for (int i = 0; i < interpretedBoots; i++) {
                interpreted.add(boot(bundles, config, work.resolve("startup-osgi-xint-" + i), true));
                System.out.printf("  -Xint boot %d: cold %.0f ms, %.0f ms CPU%n", i,
                        interpreted.get(i).startToAssignedMs(), interpreted.get(i).cpuMs());
            }
            return new Result(cold, cached, interpreted);
        }
    }

    /**
     * The gateway runtime's demo configuration of the provisioning component, pointed at this simulator and this
     * enrollment (a later section of the PID overrides its values); without the hub link's section, since this
     * stack has none of Kura's cloud services.
     */
    private Path configuration(DpsSimulator simulator) throws IOException {
        String demo = Files.readString(root.resolve("config/runtime-demo.properties"), StandardCharsets.UTF_8);
        Matcher hubLink = Pattern.compile("(?m)^kura\\.service\\.pid=io\\.kuradps\\.provisioning\\.HubConnection")
                .matcher(demo);
        String provisioning = hubLink.find() ? demo.substring(0, hubLink.start()) : demo;
        Path file = work.resolve("startup.properties");
        Files.writeString(file, provisioning + String.join("\n", "", "# kura-dps bench: start-up",
                "kura.service.pid=io.kuradps.provisioning.DpsProvisioner",
                "registration.id=" + REGISTRATION_ID,
                "symmetric.key=" + KEY,
                "id.scope=" + simulator.idScope(),
                "global.endpoint=" + simulator.host() + ":" + simulator.mqttPort(),
                "ca.file=" + simulator.caCertificateFile().toAbsolutePath(), ""), StandardCharsets.UTF_8);
        return file;
    }

    private Boot boot(Path bundles, Path config, Path storage, boolean interpreted) throws Exception {
        Path log = Files.createTempFile(work, "boot", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (interpreted) {
            command.add("-Xint");
        }
        command.addAll(List.of("-cp", classPath, StartupProbe.class.getName(), bundles.toString(), config.toString(),
                storage.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("a boot took over 240 s; log in " + log);
        }
        String output = Files.readString(log);
        Matcher probe = PROBE.matcher(output);
        Matcher activated = ACTIVATED.matcher(output);
        if (!probe.find() || !activated.find()) {
            throw new IllegalStateException("boot did not report ASSIGNED and activation; log in " + log);
        }
        return new Boot(Double.parseDouble(activated.group(1)), Double.parseDouble(probe.group(1)), probe.group(2),
                Double.parseDouble(probe.group(3)), Double.parseDouble(probe.group(4)));
    }
}
