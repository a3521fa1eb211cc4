package io.kuradps.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first registration in a fresh JVM, ours against the SDK's, each boot a JVM of its own ({@link ColdStartProbe})
 * registering through the bench's relay and simulator; the two clients alternate boot by boot. With {@code -Xint}
 * too, the JIT-less figure standing in for a slow gateway CPU.
 */
final class ColdStartBench {

    /** One client's cold registrations in one JVM mode. */
    record Series(String client, boolean interpreted, List<Double> cpuMs, List<Double> wallMs, List<String> failures) {
        Stats cpu() {
            return Stats.of(cpuMs);
        }

        Stats wall() {
            return Stats.of(wallMs);
        }
    }

    private static final Pattern PROBE = Pattern.compile(ColdStartProbe.RESULT + " client=\\S+ cpuMs=(\\S+) wallMs=(\\S+)");

    private final BenchDps dps;
    private final Path work;
    private final String classPath = System.getProperty("java.class.path");

    ColdStartBench(BenchDps dps, Path work) {
        this.dps = dps;
        this.work = work;
    }

    /** Ours then the SDK's series, for the given JVM mode. */
    List<Series> run(int boots, boolean interpreted) throws Exception {
        Series ours = new Series("ours", interpreted, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Series sdk = new Series("Azure SDK", interpreted, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < boots; i++) {
            for (Series series : i % 2 == 0 ? List.of(ours, sdk) : List.of(sdk, ours)) {
                String id = "cold-" + (interpreted ? "xint-" : "") + (series == ours ? "ours" : "sdk") + "-" + i;
                try {
                    double[] figures = boot(series == ours ? "ours" : "sdk", id, interpreted);
                    series.cpuMs().add(figures[0]);
                    series.wallMs().add(figures[1]);
                    System.out.printf("  %s: %.0f ms CPU, %.0f ms wall%n", id, figures[0], figures[1]);
                } catch (Exception e) {
                    series.failures().add(id + ": " + e.getMessage());
                    System.out.println("  " + id + " failed: " + e.getMessage());
                }
            }
        }
        return List.of(ours, sdk);
    }

    private double[] boot(String client, String registrationId, boolean interpreted) throws Exception {
        Path log = Files.createTempFile(work, "cold", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (interpreted) {
            command.add("-Xint");
        }
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath,
                ColdStartProbe.class.getName(), client, BenchDps.HOST, Integer.toString(BenchDps.SDK_PORT),
                BenchDps.ID_SCOPE, registrationId, BenchDps.deviceKey(registrationId),
                dps.simulator.caCertificateFile().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("took over 180 s; log in " + log);
        }
        Matcher probe = PROBE.matcher(Files.readString(log));
        if (!probe.find()) {
            throw new IllegalStateException("no result; log in " + log);
        }
        return new double[] {Double.parseDouble(probe.group(1)), Double.parseDouble(probe.group(2))};
    }
}
