package io.kuradps.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLSocketFactory;

import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.HubCounters;

/**
 * The demo's DPS: the simulator in this process with the sample enrollments and its IoT hub endpoint, and the
 * demo configuration pointed at it (its address and its freshly generated CA). The hubs it assigns keep their
 * real names; {@link #socketRoute()} takes a connection to one of them to the hub endpoint on loopback.
 */
final class DemoDps implements AutoCloseable {

    private static final String ENROLLMENTS = "simulator-enrollments.json";
    private static final String CONFIGURATION = "runtime-demo.properties";
    private static final String PROVISIONING_PID = "io.kuradps.provisioning.DpsProvisioner";

    private final DpsSimulator simulator;
    private final ConfigurationFile configuration;

    private DemoDps(DpsSimulator simulator, ConfigurationFile configuration) {
        this.simulator = simulator;
        this.configuration = configuration;
    }

    static DemoDps start(Path workDirectory) throws IOException {
        Path enrollments = copyResource(ENROLLMENTS, workDirectory);
        DpsSimulator simulator = DpsSimulator.builder()
                .host("127.0.0.1")
                .mqttPort(0)
                .webSocketPort(0)
                .hubPort(0)
                .hubWebSocketPort(0)
                .enrollmentsFile(enrollments)
                .caDirectory(workDirectory.resolve("simulator-ca"))
                .start();
        try {
            ConfigurationFile configuration = ConfigurationFile.read(copyResource(CONFIGURATION, workDirectory))
                    .override("Filled in by the runtime: the simulator it just started", PROVISIONING_PID, Map.of(
                            "global.endpoint", simulator.host() + ":" + simulator.mqttPort(),
                            "ca.file", simulator.caCertificateFile().toAbsolutePath().toString()));
            return new DemoDps(simulator, configuration);
        } catch (IOException | RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    /** The demo configuration, pointed at this simulator. */
    ConfigurationFile configuration() {
        return this.configuration;
    }

    /** The simulator's CA certificate, which the gateway's SSL keystore must trust to reach its hubs. */
    String caCertificatePem() {
        return this.simulator.caCertificatePem();
    }

    /**
     * Routes the assigned hub names to the hub endpoint on loopback under TLS with their names; for the stand-in
     * SslManagerService's socket route (runtime-support/README.md).
     */
    UnaryOperator<SSLSocketFactory> socketRoute() {
        return this.simulator.hub()::socketFactory;
    }

    /** Telemetry messages the hub accepted from the device so far. */
    long telemetryAccepted(String deviceId) {
        return this.simulator.hub().counters().telemetry(deviceId);
    }

    /** Waits, at most {@code timeout}, until the hub has accepted {@code count} messages from the device. */
    boolean awaitTelemetryAccepted(String deviceId, long count, Duration timeout) throws InterruptedException {
        return this.simulator.hub().counters().await(deviceId, HubCounters.EventKind.TELEMETRY, count, timeout);
    }

    String describe() {
        return "DPS simulator on " + this.simulator.host() + ":" + this.simulator.mqttPort() + " (MQTT/TLS), :"
                + this.simulator.webSocketPort() + " (WebSocket), id scope " + this.simulator.idScope() + "; IoT hub "
                + "endpoint on :" + this.simulator.hub().mqttPort() + " (MQTT/TLS), :"
                + this.simulator.hub().webSocketPort() + " (WebSocket), CA " + this.simulator.caCertificateFile();
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
