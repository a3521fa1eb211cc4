package io.kuradps.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The simulator's runnable jar in a process of its own, for the footprint measurements: then the heap and the
 * threads of the bench's JVM hold the client under test and not the simulator's TLS session cache and state.
 */
final class ExternalSimulator implements AutoCloseable {

    private static final Pattern MQTT = Pattern.compile("mqtts://[^:]+:(\\d+)");
    private static final Pattern CA = Pattern.compile("CA certificate:\\s+(\\S+)");

    private final Process process;
    private final int mqttPort;
    private final Path caFile;

    private ExternalSimulator(Process process, int mqttPort, Path caFile) {
        this.process = process;
        this.mqttPort = mqttPort;
        this.caFile = caFile;
    }

    /** Starts the jar with one group enrollment and waits until it says where it listens. */
    static ExternalSimulator start(Path root, Path work, String idScope, String groupKey) throws IOException {
        Path jar = runnableJar(root.resolve("simulator/target"));
        Path enrollments = Files.writeString(work.resolve("footprint-enrollments.json"), """
                {"idScope": "%s", "enrollments": [
                  {"enrollmentGroupId": "footprint", "symmetricKey": {"primaryKey": "%s"},
                   "iotHubs": ["footprint-hub.azure-devices.net"]}]}
                """.formatted(idScope, groupKey));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", enrollments.toString(), "--mqtt-port", "0", "--ws-port", "-1",
                "--ca-dir", work.resolve("footprint-ca").toString(), "--retry-after", "1", "--polls", "1")
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Integer port = null;
        Path ca = null;
        String line;
        while ((port == null || ca == null) && (line = output.readLine()) != null) {
            Matcher mqtt = MQTT.matcher(line);
            Matcher caLine = CA.matcher(line);
            if (mqtt.find()) {
                port = Integer.parseInt(mqtt.group(1));
            } else if (caLine.find()) {
                ca = Path.of(caLine.group(1));
            }
        }
        if (port == null || ca == null) {
            process.destroyForcibly();
            throw new IOException("the simulator jar " + jar + " did not say where it listens");
        }
        // Keep reading so that a full pipe never blocks the simulator.
        Thread drain = new Thread(() -> {
            try {
                output.lines().forEach(ignored -> { });
            } catch (java.io.UncheckedIOException e) {
                // the simulator was stopped
            }
        }, "bench-simulator-output");
        drain.setDaemon(true);
        drain.start();
        return new ExternalSimulator(process, port, ca);
    }

    private static Path runnableJar(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("kura-dps-simulator-(?!lib-).*\\.jar"))
                    .findFirst().orElseThrow(() -> new IOException("no runnable simulator jar in " + target));
        }
    }

    int mqttPort() {
        return mqttPort;
    }

    Path caCertificateFile() {
        return caFile;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
