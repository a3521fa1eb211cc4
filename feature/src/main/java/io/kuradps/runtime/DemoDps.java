package io.kuradps.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import io.kuradps.simulator.DpsSimulator;

/**
 * The demo's DPS: the simulator in this process with the sample enrollments, and the demo configuration
 * pointed at it (its address and its freshly generated CA).
 */
final class DemoDps implements AutoCloseable {

    private static final String ENROLLMENTS = "simulator-enrollments.json";
    private static final String CONFIGURATION = "runtime-demo.properties";

    private final DpsSimulator simulator;
    private final Path configuration;

    private DemoDps(DpsSimulator simulator, Path configuration) {
        this.simulator = simulator;
        this.configuration = configuration;
    }

    static DemoDps start(Path workDirectory) throws IOException {
        Path enrollments = copyResource(ENROLLMENTS, workDirectory);
        DpsSimulator simulator = DpsSimulator.builder()
                .host("127.0.0.1")
                .mqttPort(0)
                .webSocketPort(0)
                .enrollmentsFile(enrollments)
                .caDirectory(workDirectory.resolve("simulator-ca"))
                .start();
        try {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(copyResource(CONFIGURATION, workDirectory),
                    StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            properties.setProperty("global.endpoint", simulator.host() + ":" + simulator.mqttPort());
            properties.setProperty("ca.file", simulator.caCertificateFile().toAbsolutePath().toString());
            Path configuration = workDirectory.resolve("dps-demo.properties");
            try (Writer writer = Files.newBufferedWriter(configuration, StandardCharsets.UTF_8)) {
                properties.store(writer, "Demo configuration, pointed at the in-process DPS simulator");
            }
            return new DemoDps(simulator, configuration);
        } catch (IOException | RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    Path configuration() {
        return this.configuration;
    }

    String describe() {
        return "DPS simulator on " + this.simulator.host() + ":" + this.simulator.mqttPort() + " (MQTT/TLS), :"
                + this.simulator.webSocketPort() + " (WebSocket), id scope " + this.simulator.idScope() + ", CA "
                + this.simulator.caCertificateFile();
    }

    @Override
    public void close() {
        this.simulator.close();
    }

    private static Path copyResource(String name, Path directory) throws IOException {
        Path target = directory.resolve(name);
        try (InputStream in = DemoDps.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the runtime jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
