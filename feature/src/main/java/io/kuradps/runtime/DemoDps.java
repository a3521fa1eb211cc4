package io.kuradps.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLSocketFactory;

import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.HubCounters;
import io.kuradps.simulator.MethodResult;
import io.kuradps.simulator.Twin;

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

    /**
     * @param keptStorage Kura's data directory outlives this run (--storage), so it may hold the assignment of an
     *        earlier run: the hub is told of the demo device as it would still know it (see {@link #keepDevice})
     */
    static DemoDps start(Path workDirectory, boolean keptStorage) throws IOException {
        Path enrollments = copyResource(ENROLLMENTS, workDirectory);
        DpsSimulator simulator = DpsSimulator.builder()
                .host("127.0.0.1")
                .mqttPort(0)
                .webSocketPort(0)
                .hubPort(0)
                .hubWebSocketPort(0)
                .hubServicePort(0)
                .enrollmentsFile(enrollments)
                .caDirectory(workDirectory.resolve("simulator-ca"))
                .start();
        try {
            Path demo = copyResource(CONFIGURATION, workDirectory);
            if (keptStorage) {
                keepDevice(simulator, demo);
            }
            ConfigurationFile configuration = ConfigurationFile.read(demo)
                    .override("Filled in by the runtime: the simulator it just started", PROVISIONING_PID, Map.of(
                            "global.endpoint", simulator.host() + ":" + simulator.mqttPort(),
                            "ca.file", simulator.caCertificateFile().toAbsolutePath().toString()));
            return new DemoDps(simulator, configuration);
        } catch (IOException | RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    /**
     * IoT Hub keeps its devices across a gateway's restart; this simulator is new at every run. So a gateway
     * restarted on its kept data directory, holding the assignment of an earlier run, would be refused by the
     * hub it was assigned to unless the hub is told what it already knows: the demo enrollment's device.
     */
    private static void keepDevice(DpsSimulator simulator, Path demoConfiguration) throws IOException {
        Properties demo = new Properties();
        try (Reader reader = Files.newBufferedReader(demoConfiguration, StandardCharsets.UTF_8)) {
            demo.load(reader);
        }
        String registrationId = demo.getProperty("registration.id");
        Enrollment enrollment = simulator.enrollments().individual(registrationId).orElseThrow(() ->
                new IllegalStateException("the demo's registration id " + registrationId + " has no enrollment"));
        String hub = enrollment.iotHubs().isEmpty() ? Enrollment.DEFAULT_HUB : enrollment.iotHubs().get(0);
        String deviceId = enrollment.deviceId() == null ? registrationId : enrollment.deviceId();
        simulator.hub().registry().register(hub, deviceId, registrationId, enrollment);
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

    /** CONNECTs of the device the hub admitted so far. */
    long hubConnections(String deviceId) {
        return this.simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED);
    }

    /**
     * Waits, at most {@code timeout}, until the hub holds the device's reported provisioning state ({@code kuraDps})
     * naming that hub; the twin as the hub stored it then.
     */
    Optional<Twin> awaitReportedState(String deviceId, String hub, Duration timeout) throws InterruptedException {
        return this.simulator.hub().awaitTwin(deviceId, twin -> twin.reportedAt("kuraDps", "hub")
                .filter(hub::equals).isPresent(), timeout);
    }

    /** Waits, at most {@code timeout}, until the hub holds {@code name} with this value among the reported ones. */
    boolean awaitReported(String deviceId, String name, String value, Duration timeout) throws InterruptedException {
        return this.simulator.hub().awaitTwin(deviceId, twin -> twin.reportedAt(name).filter(value::equals)
                .isPresent(), timeout).isPresent();
    }

    /** Invokes a direct method as IoT Hub's service API does and waits for its result (the hub's own on a timeout). */
    MethodResult invoke(String deviceId, String method, String payloadJson, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return this.simulator.hub().invokeMethod(deviceId, method, payloadJson, timeout)
                .get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
    }

    /** The hub's service API on loopback (twins, direct methods, cloud-to-device messages; simulator/README.md). */
    int servicePort() {
        return this.simulator.hub().servicePort();
    }

    String describe() {
        return "DPS simulator on " + this.simulator.host() + ":" + this.simulator.mqttPort() + " (MQTT/TLS), :"
                + this.simulator.webSocketPort() + " (WebSocket), id scope " + this.simulator.idScope() + "; IoT hub "
                + "endpoint on :" + this.simulator.hub().mqttPort() + " (MQTT/TLS), :"
                + this.simulator.hub().webSocketPort() + " (WebSocket), its service API on http://127.0.0.1:"
                + servicePort() + ", CA " + this.simulator.caCertificateFile();
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
