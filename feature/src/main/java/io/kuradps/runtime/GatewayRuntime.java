package io.kuradps.runtime;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import io.kuradps.runtime.EmbeddedFramework.SystemBundleService;
import io.kuradps.runtime.support.seed.ConfigurationSeeder;
import io.kuradps.runtime.support.ssl.StandInSslManagerService;
import io.kuradps.runtime.support.standin.StandInRegistrar;
import io.kuradps.runtime.support.system.StandInSystemService;
import io.kuradps.simulator.MethodResult;
import io.kuradps.simulator.Twin;

/**
 * A Kura-like gateway in one process: Equinox with the Kura 5 service bundles, the Kura API stand-in, stand-ins
 * for Kura's SystemService, CryptoService, ConfigurationService, SslManagerService/KeystoreService and raw MQTT
 * cloud connection (MqttDataTransport, DataService), the provisioning bundle and a consumer that logs its events.
 * Without {@code --config} it also starts the DPS simulator with its IoT hub endpoint and provisions against it.
 * <p>
 * It starts as Kura does: the framework storage, ConfigAdmin's store with it, is wiped at every start
 * ({@code osgi.clean=true} in Kura's config.ini), and only Kura's data directory ({@code kura.data}: snapshots,
 * keystore, the cached assignment) persists, under {@code --storage}. The configuration file is seeded into
 * ConfigAdmin at every start, over the newest snapshot, before the provisioning bundle starts.
 * <p>
 * After ASSIGNED, when the hub link has connected Kura's transport to the hub (CONNECTED), the runtime publishes a
 * telemetry message through that transport's DataService, as a Kura application would, and prints the CONNECTED
 * line once the hub accepted it. With its demo DPS it then shows the gateway as an IoT Hub device, once: the
 * reported provisioning state as the simulated hub stored it (TWIN) and the answer to {@code kuraDps.status} invoked
 * through the hub's service side (METHOD).
 */
public final class GatewayRuntime {

    static final int EXIT_CONNECTED = 0;
    static final int EXIT_ASSIGNED = 0;
    static final int EXIT_STOPPED = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TIMEOUT = 3;

    private static final String TOPIC_ASSIGNED = "io/kuradps/provisioning/ProvisioningEvent/ASSIGNED";
    private static final String TOPIC_FAILED = "io/kuradps/provisioning/ProvisioningEvent/FAILED";
    private static final String HUB_TOPICS = "io/kuradps/provisioning/HubConnection/";
    private static final String HUB_CONNECTION_PID = "io.kuradps.provisioning.HubConnection";
    private static final String PROVISIONING_BUNDLE = "io.kuradps.provisioning";
    /** Seeding ends well within this; beyond it the add-on starts all the same, as Kura would start it. */
    private static final Duration SEEDING_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TELEMETRY_TIMEOUT = Duration.ofSeconds(30);
    /** The twin is read and reported within a second or two of the connect; IoT Hub's method timeout is 30 s. */
    private static final Duration DEVICE_TIMEOUT = Duration.ofSeconds(30);
    // The runtime-support constants below are compile-time constants, copied into this class by javac, so the
    // bundle itself stays off the launcher's class path.
    /** Identity values of the stand-in SystemService a user may give with -D to try a templated registration id. */
    private static final List<String> PASSED_THROUGH = List.of(StandInSystemService.SERIAL_NUMBER_PROPERTY,
            StandInSystemService.PRIMARY_MAC_ADDRESS_PROPERTY, StandInSystemService.HOSTNAME_PROPERTY);
    /** Kura's services the hub link needs, each switched on by its framework property. */
    private static final List<String> KURA_STAND_INS = List.of(StandInRegistrar.CONFIGURATION_PROPERTY,
            StandInRegistrar.SSL_PROPERTY, StandInRegistrar.CLOUD_CONNECTION_PROPERTY);

    /**
     * Set to true (-D) to have a machine-readable {@code TIMING} line follow each CONNECTED line, for bench/: times
     * from the provisioning bundle's start, and the hub connections the demo hub admitted so far.
     */
    static final String TIMING_PROPERTY = "kuradps.runtime.timing";
    /**
     * For bench/: set to N (-D) to follow the METHOD line with a machine-readable {@code DEVICE_TIMING} line: N
     * round trips of {@code kuraDps.status} from the hub's service side, then N reported patches from a
     * {@code DeviceTwin.report} call until the hub holds them.
     */
    static final String DEVICE_SAMPLES_PROPERTY = "kuradps.runtime.device.samples";

    private final long startNanos = System.nanoTime();
    private final boolean timing = Boolean.getBoolean(TIMING_PROPERTY);
    private volatile long addOnStartNanos;
    private volatile long assignedNanos;
    private final CompletableFuture<Integer> firstOutcome = new CompletableFuture<>();
    private final CompletableFuture<Boolean> hubLinkEnabled = new CompletableFuture<>();
    private final AtomicBoolean deviceShown = new AtomicBoolean();
    /** Publishing waits for the hub; never on EventAdmin's thread. */
    private final ExecutorService telemetry = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "runtime-telemetry");
        thread.setDaemon(true);
        return thread;
    });
    private volatile EmbeddedFramework framework;
    private volatile DemoDps demo;

    public static void main(String[] args) throws Exception {
        RuntimeOptions options;
        try {
            options = RuntimeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kura-dps-runtime: " + e.getMessage());
            System.err.println(RuntimeOptions.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        System.exit(new GatewayRuntime().run(options));
    }

    private int run(RuntimeOptions options) throws Exception {
        configureLogging();
        Path work = Files.createTempDirectory("kura-dps-runtime");
        Path kuraData = options.storage().orElse(work.resolve("kura-data")).toAbsolutePath();
        Files.createDirectories(kuraData);
        RuntimeCleanup cleanup = new RuntimeCleanup(work);
        // Ctrl-C ends the JVM through the hook; a normal end runs the same cleanup from the finally block.
        Runtime.getRuntime().addShutdownHook(new Thread(cleanup::run, "kura-dps-runtime-shutdown"));
        try {
            ConfigurationFile configuration;
            KuraSsl ssl = KuraSsl.install(kuraData);
            List<SystemBundleService<?>> services = new ArrayList<>();
            if (options.config().isPresent()) {
                Path file = options.config().get().toAbsolutePath();
                configuration = ConfigurationFile.read(file);
                System.out.println("Provisioning with " + file);
            } else {
                DemoDps started = DemoDps.start(work, options.storage().isPresent());
                this.demo = started;
                cleanup.closeAtEnd(started);
                configuration = started.configuration();
                ssl.trust(started.caCertificatePem());
                services.add(new SystemBundleService<>(UnaryOperator.class, started.socketRoute(),
                        Map.of(StandInSslManagerService.SOCKET_ROUTE_PROPERTY, Boolean.TRUE)));
                System.out.println("Started " + started.describe());
            }
            if (options.hubTokenLifetimeSeconds().isPresent()) {
                configuration.override("--hub-token-lifetime", HUB_CONNECTION_PID, Map.of("token.lifetime.seconds",
                        Long.toString(options.hubTokenLifetimeSeconds().getAsLong())));
            }
            Map<String, String> properties = new HashMap<>();
            properties.put("org.osgi.framework.storage", work.resolve("osgi").toString());
            // As Kura's config.ini: Equinox wipes its storage, ConfigAdmin's store included, at every start.
            properties.put("osgi.clean", "true");
            properties.put(StandInSystemService.DATA_DIRECTORY_PROPERTY, kuraData.toString());
            System.out.println("Kura data directory " + kuraData);
            PrimaryMacAddress.of().ifPresent(mac -> properties.put(StandInSystemService.PRIMARY_MAC_ADDRESS_PROPERTY, mac));
            for (String name : PASSED_THROUGH) {
                String value = System.getProperty(name);
                if (value != null) {
                    properties.put(name, value);
                }
            }
            // A headless gateway, as most are: no web console, so no configuration READY (runtime-support/README.md).
            KURA_STAND_INS.forEach(name -> properties.put(name, "true"));
            properties.put(ConfigurationSeeder.CONFIG_FILE_PROPERTY,
                    configuration.write(work.resolve("configuration.properties")).toString());
            boolean interactive = !options.exitAfterFirst() && System.console() != null;
            // Gogo reads the terminal only when someone can type; otherwise it would stop at end of input.
            properties.put("gosh.args", interactive ? "" : "--nointeractive");
            EmbeddedFramework started = EmbeddedFramework.start(bundleDirectory(), PROVISIONING_BUNDLE, properties,
                    this::report, services);
            this.framework = started;
            cleanup.stopAtEnd(started);
            awaitSeeding();
            this.addOnStartNanos = System.nanoTime();
            started.startAddOn();

            if (!options.exitAfterFirst()) {
                System.out.println(interactive ? "Gogo shell ready: try dps:status; Ctrl-C or 'stop 0' to exit"
                        : "Running; Ctrl-C to exit");
                started.awaitStop();
                return EXIT_STOPPED;
            }
            try {
                return this.firstOutcome.get(options.timeout().toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.println("No " + (this.hubLinkEnabled.getNow(false) ? "CONNECTED line" : "ASSIGNED")
                        + " or FAILED event within " + options.timeout().toSeconds() + " s");
                return EXIT_TIMEOUT;
            }
        } finally {
            cleanup.run();
        }
    }

    /** The provisioning bundle starts once its configuration is in ConfigAdmin, as on Kura. */
    private void awaitSeeding() throws InterruptedException, ExecutionException {
        try {
            this.hubLinkEnabled.get(SEEDING_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("WARNING: the configuration was not seeded within " + SEEDING_TIMEOUT.toSeconds()
                    + " s; starting the provisioning bundle without waiting");
            this.hubLinkEnabled.complete(false);
        }
    }

    /** Called by the runtime-support bundle for each event it forwards (see EmbeddedFramework.start). */
    private void report(Map<String, Object> event) {
        Object topic = event.get("event.topics");
        if (ConfigurationSeeder.SEEDED_TOPIC.equals(topic)) {
            Map<?, ?> seeded = (Map<?, ?>) event.get(ConfigurationSeeder.SEEDED_CONFIGURATIONS);
            Map<?, ?> hubConnection = (Map<?, ?>) seeded.get(HUB_CONNECTION_PID);
            this.hubLinkEnabled.complete(hubConnection != null && Boolean.TRUE.equals(hubConnection.get("enabled")));
        } else if (TOPIC_ASSIGNED.equals(topic)) {
            if (this.assignedNanos == 0) {
                this.assignedNanos = System.nanoTime();
            }
            System.out.printf("%nASSIGNED: hub %s, device id %s (source %s) after %.1f s%n%n", event.get("assigned.hub"),
                    event.get("device.id"), event.get("source"), seconds());
            if (!this.hubLinkEnabled.getNow(false)) {
                this.firstOutcome.complete(EXIT_ASSIGNED);
            }
        } else if (topic instanceof String hubTopic && hubTopic.startsWith(HUB_TOPICS)) {
            reportHubLink(hubTopic.substring(HUB_TOPICS.length()), event);
        } else {
            // A provisioning FAILED, or the seeding's (which completes hubLinkEnabled too: nothing to wait for).
            this.hubLinkEnabled.complete(false);
            Object code = event.get("error.code");
            System.out.printf("%nFAILED%s: %s after %.1f s%n%n", code == null ? "" : " (error code " + code + ")",
                    event.get("error.message"), seconds());
            this.firstOutcome.complete(EXIT_FAILED);
        }
    }

    private void reportHubLink(String action, Map<String, Object> event) {
        Object hub = event.get("assigned.hub");
        Object deviceId = event.get("device.id");
        switch (action) {
        case "CONNECTED" -> this.telemetry.execute(() -> sendTelemetry(String.valueOf(hub), String.valueOf(deviceId),
                String.valueOf(event.get("transport.pid"))));
        case "TOKEN_RENEWED" -> System.out.printf("%nTOKEN_RENEWED: hub %s as %s, token valid until %s%n%n", hub,
                deviceId, expiry(event));
        case "CONFIGURED" -> System.out.printf("Hub link: transport %s configured for hub %s as %s, token valid "
                + "until %s%n", event.get("transport.pid"), hub, deviceId, expiry(event));
        case "REFUSED", "MISCONFIGURED", "RETRYING" -> {
            Object reason = event.get("reason");
            System.out.printf("%n%s%s: hub %s as %s: %s%n%n", action, reason == null ? "" : " (" + reason + ")", hub,
                    deviceId, event.get("error.message"));
            this.firstOutcome.complete(EXIT_FAILED);
        }
        default -> System.out.printf("Hub link: %s%n", action);
        }
    }

    private static Object expiry(Map<String, Object> event) {
        Object expiry = event.get("token.expiry");
        return expiry instanceof Long millis ? Instant.ofEpochMilli(millis) : "(no token: X.509)";
    }

    /**
     * One message through the DataService of the transport the hub link drives, to the device's telemetry topic;
     * accepted when the simulated hub counts it (demo), or when the hub confirmed it (PUBACK, real IoT Hub).
     */
    private void sendTelemetry(String hub, String deviceId, String transportPid) {
        try {
            KuraDataService dataService = KuraDataService.of(this.framework.context(), transportPid);
            DemoDps simulated = this.demo;
            long before = simulated == null ? 0 : simulated.telemetryAccepted(deviceId);
            byte[] payload = ("{\"source\":\"kura-dps-runtime\",\"sent\":\"" + Instant.now() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            int id = dataService.publish("devices/" + deviceId + "/messages/events/", payload);
            boolean accepted = simulated == null ? dataService.awaitConfirmed(id, TELEMETRY_TIMEOUT)
                    : simulated.awaitTelemetryAccepted(deviceId, before + 1, TELEMETRY_TIMEOUT);
            if (accepted) {
                long acceptedNanos = System.nanoTime();
                System.out.printf("%nCONNECTED: hub %s as %s, telemetry accepted%n%n", hub, deviceId);
                if (this.timing) {
                    System.out.printf(Locale.ROOT, "TIMING bundleStartToAssignedMs=%.1f bundleStartToTelemetryAcceptedMs"
                            + "=%.1f hubConnections=%d%n", (this.assignedNanos - this.addOnStartNanos) / 1e6,
                            (acceptedNanos - this.addOnStartNanos) / 1e6,
                            simulated == null ? -1 : simulated.hubConnections(deviceId));
                }
                if (simulated != null && this.deviceShown.compareAndSet(false, true)
                        && !showDevice(simulated, hub, deviceId)) {
                    this.firstOutcome.complete(EXIT_FAILED);
                }
                this.firstOutcome.complete(EXIT_CONNECTED);
            } else {
                System.out.printf("%nCONNECTED: hub %s as %s, but the hub did not accept the telemetry within %d s%n%n",
                        hub, deviceId, TELEMETRY_TIMEOUT.toSeconds());
                this.firstOutcome.complete(EXIT_FAILED);
            }
        } catch (Exception e) {
            System.out.printf("%nCONNECTED: hub %s as %s, but publishing failed: %s%n%n", hub, deviceId, e);
            this.firstOutcome.complete(EXIT_FAILED);
        }
    }

    /**
     * The gateway as an IoT Hub device: its reported provisioning state as the hub stored it, and {@code
     * kuraDps.status} invoked from the hub's service side. False when either did not come.
     */
    private boolean showDevice(DemoDps simulated, String hub, String deviceId) throws Exception {
        Optional<Twin> twin = simulated.awaitReportedState(deviceId, hub, DEVICE_TIMEOUT);
        if (twin.isEmpty()) {
            System.out.printf("%nTWIN: hub %s holds no reported kuraDps of %s after %d s%n%n", hub, deviceId,
                    DEVICE_TIMEOUT.toSeconds());
            return false;
        }
        System.out.printf("TWIN: hub %s stored reported kuraDps ($version %d): %s%n", hub,
                twin.get().reportedVersion(), twin.get().reportedAt("kuraDps").orElse(""));
        MethodResult status;
        try {
            status = simulated.invoke(deviceId, "kuraDps.status", "{}", DEVICE_TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
            System.out.printf("%nMETHOD: kuraDps.status was not answered: %s%n%n", e);
            return false;
        }
        System.out.printf("%nMETHOD: kuraDps.status answered %d: %s%n%n", status.status(), status.payload());
        System.out.printf("Invoke it yourself: curl -s -X POST http://127.0.0.1:%d/twins/%s/methods -d "
                + "'{\"methodName\":\"kuraDps.status\",\"payload\":{},\"responseTimeoutInSeconds\":30}'%n%n",
                simulated.servicePort(), deviceId);
        int samples = Integer.getInteger(DEVICE_SAMPLES_PROPERTY, 0);
        if (samples > 0) {
            timeDevice(simulated, deviceId, samples);
        }
        return status.status() == 200;
    }

    /** For bench/: method round trips and reported patches, one at a time, in ms. */
    private void timeDevice(DemoDps simulated, String deviceId, int samples) throws Exception {
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long started = System.nanoTime();
            MethodResult result = simulated.invoke(deviceId, "kuraDps.status", "{}", DEVICE_TIMEOUT);
            if (result.status() != 200) {
                throw new IllegalStateException("kuraDps.status answered " + result.status());
            }
            methods.add(String.format(Locale.ROOT, "%.2f", (System.nanoTime() - started) / 1e6));
        }
        KuraDeviceTwin twin = KuraDeviceTwin.of(this.framework.context());
        List<String> patches = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long started = System.nanoTime();
            twin.report("benchSample", Integer.toString(i));
            if (!simulated.awaitReported(deviceId, "benchSample", Integer.toString(i), DEVICE_TIMEOUT)) {
                throw new IllegalStateException("the hub never held benchSample " + i);
            }
            patches.add(String.format(Locale.ROOT, "%.2f", (System.nanoTime() - started) / 1e6));
        }
        twin.report("benchSample", null);
        System.out.printf("DEVICE_TIMING methodRoundTripMs=%s reportedPatchMs=%s%n", String.join(",", methods),
                String.join(",", patches));
    }

    private double seconds() {
        return (System.nanoTime() - this.startNanos) / 1e9;
    }
    /** The bundles sit in bundles/ beside the runtime jar (feature/target/bundles after a build). */
    private static Path bundleDirectory() throws URISyntaxException {
        Path jar = Paths.get(GatewayRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path directory = jar.resolveSibling("bundles");
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("bundle directory " + directory + " is missing; build with mvn package");
        }
        return directory;
    }

    private static void configureLogging() {
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
