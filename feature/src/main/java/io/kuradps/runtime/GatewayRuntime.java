package io.kuradps.runtime;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kuradps.runtime.support.seed.ConfigurationSeeder;
import io.kuradps.runtime.support.system.StandInSystemService;

/**
 * A Kura-like gateway in one process: Equinox with the Kura 5 service bundles, the Kura API stand-in,
 * stand-ins for Kura's SystemService and CryptoService, the provisioning bundle and a consumer that logs its
 * events. Without {@code --config} it also starts the DPS simulator and provisions against it.
 * <p>
 * It starts as Kura does: the framework storage, ConfigAdmin's store with it, is wiped at every start
 * ({@code osgi.clean=true} in Kura's config.ini), and only Kura's data directory ({@code kura.data}) persists,
 * under {@code --storage}. The configuration file is seeded into the empty ConfigAdmin at every start, as Kura
 * restores its newest snapshot, before the provisioning bundle starts.
 */
public final class GatewayRuntime {

    static final int EXIT_ASSIGNED = 0;
    static final int EXIT_STOPPED = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TIMEOUT = 3;

    private static final String TOPIC_ASSIGNED = "io/kuradps/provisioning/ProvisioningEvent/ASSIGNED";
    private static final String PROVISIONING_BUNDLE = "io.kuradps.provisioning";
    // The runtime-support constants below are compile-time constants, copied into this class by javac, so the
    // bundle itself stays off the launcher's class path.
    /** Identity values of the stand-in SystemService a user may give with -D to try a templated registration id. */
    private static final List<String> PASSED_THROUGH = List.of(StandInSystemService.SERIAL_NUMBER_PROPERTY,
            StandInSystemService.PRIMARY_MAC_ADDRESS_PROPERTY, StandInSystemService.HOSTNAME_PROPERTY);

    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Integer> firstOutcome = new CompletableFuture<>();

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
            Path configuration;
            if (options.config().isPresent()) {
                configuration = options.config().get().toAbsolutePath();
                System.out.println("Provisioning with " + configuration);
            } else {
                DemoDps demo = DemoDps.start(work);
                cleanup.closeAtEnd(demo);
                configuration = demo.configuration();
                System.out.println("Started " + demo.describe());
            }
            Map<String, String> properties = new HashMap<>();
            properties.put("org.osgi.framework.storage", work.resolve("osgi").toString());
            // As Kura's config.ini: Equinox wipes its storage, ConfigAdmin's store included, at every start.
            properties.put("osgi.clean", "true");
            properties.put(StandInSystemService.DATA_DIRECTORY_PROPERTY, kuraData.toString());
            System.out.println("Kura data directory " + kuraData);
            for (String name : PASSED_THROUGH) {
                String value = System.getProperty(name);
                if (value != null) {
                    properties.put(name, value);
                }
            }
            properties.put(ConfigurationSeeder.CONFIG_FILE_PROPERTY, configuration.toString());
            boolean interactive = !options.exitAfterFirst() && System.console() != null;
            // Gogo reads the terminal only when someone can type; otherwise it would stop at end of input.
            properties.put("gosh.args", interactive ? "" : "--nointeractive");
            EmbeddedFramework framework = EmbeddedFramework.start(bundleDirectory(), PROVISIONING_BUNDLE, properties,
                    this::report);
            cleanup.stopAtEnd(framework);

            if (!options.exitAfterFirst()) {
                System.out.println(interactive ? "Gogo shell ready: try dps:status; Ctrl-C or 'stop 0' to exit"
                        : "Running; Ctrl-C to exit");
                framework.awaitStop();
                return EXIT_STOPPED;
            }
            try {
                return this.firstOutcome.get(options.timeout().toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                System.out.println("No ASSIGNED or FAILED event within " + options.timeout().toSeconds() + " s");
                return EXIT_TIMEOUT;
            }
        } finally {
            cleanup.run();
        }
    }

    /** Called by the runtime-support bundle for every ASSIGNED and FAILED provisioning event. */
    private void report(Map<String, Object> event) {
        double seconds = (System.nanoTime() - this.startNanos) / 1e9;
        if (TOPIC_ASSIGNED.equals(event.get("event.topics"))) {
            System.out.printf("%nASSIGNED: hub %s, device id %s (source %s) after %.1f s%n%n", event.get("assigned.hub"),
                    event.get("device.id"), event.get("source"), seconds);
            this.firstOutcome.complete(EXIT_ASSIGNED);
        } else {
            Object code = event.get("error.code");
            System.out.printf("%nFAILED%s: %s after %.1f s%n%n", code == null ? "" : " (error code " + code + ")",
                    event.get("error.message"), seconds);
            this.firstOutcome.complete(EXIT_FAILED);
        }
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
