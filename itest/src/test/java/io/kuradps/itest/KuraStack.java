package io.kuradps.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.kuradps.runtime.support.standin.StandInRegistrar;
import io.kuradps.runtime.support.system.StandInSystemService;

/**
 * The framework bundle set of one Kura generation, as laid out by the itest pom (one failsafe run per stack,
 * chosen by the system property {@code kuradps.stack}), plus our own bundles from the reactor.
 */
public final class KuraStack {

    /** Which stack this JVM runs: "kura5" (Equinox 3.16) or "kura6" (Equinox 3.21). */
    public static final String NAME = requiredProperty("kuradps.stack");

    /** The gateway's identity, as the stand-in SystemService reports it. */
    public static final String SERIAL_NUMBER = "KDPS-ITEST-0001";
    /** A documentation address (RFC 7042), in the form Kura's SystemService gives. */
    public static final String PRIMARY_MAC_ADDRESS = "00:00:5E:00:53:01";
    public static final String HOST_NAME = "kura-itest-gw";

    public static final String PROVISIONING_BUNDLE = "io.kuradps.provisioning";
    public static final String RUNTIME_SUPPORT_BUNDLE = "io.kuradps.runtime.support";

    private KuraStack() {
    }

    /** Expected framework version prefix (major.minor) of the running stack. */
    public static String equinoxVersionPrefix() {
        switch (NAME) {
            case "kura5":
                return "3.16.";
            case "kura6":
                return "3.21.";
            default:
                throw new IllegalStateException("unknown kuradps.stack " + NAME);
        }
    }

    /**
     * Framework bundles, logging, the Kura API stand-in, what Kura itself provides (runtime-support: the
     * SystemService stand-in) and the provisioning bundle.
     */
    public static Option[] options() {
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        // pax-exam's own bundles come through mvn: links; they are test dependencies, so the local
        // repository has them. Never let the URL handler reach out to a remote repository.
        options.add(systemProperty("org.ops4j.pax.url.mvn.localRepository")
                .value(requiredProperty("kuradps.localRepository")));
        options.add(systemProperty("org.ops4j.pax.url.mvn.repositories").value(""));
        options.add(systemProperty("org.ops4j.pax.url.mvn.useFallbackRepositories").value("false"));
        options.add(systemProperty("org.ops4j.pax.url.mvn.offline").value("true"));

        // Our bundle logs at every level, so the secret checks see debug lines too.
        options.add(systemProperty("org.slf4j.simpleLogger.log.io.kuradps").value("debug"));

        // What the stand-in SystemService reports. The data directory is the same for every framework this JVM
        // boots, as a gateway's is across reboots; tests learn it from the SystemService, not from here.
        options.add(systemProperty(StandInSystemService.DATA_DIRECTORY_PROPERTY).value(KuraData.DIRECTORY.toString()));
        options.add(systemProperty(StandInSystemService.SERIAL_NUMBER_PROPERTY).value(SERIAL_NUMBER));
        options.add(systemProperty(StandInSystemService.PRIMARY_MAC_ADDRESS_PROPERTY).value(PRIMARY_MAC_ADDRESS));
        options.add(systemProperty(StandInSystemService.HOSTNAME_PROPERTY).value(HOST_NAME));

        Path stacks = Paths.get(requiredProperty("kuradps.stacks.dir"));
        bundlesIn(stacks.resolve("common")).forEach(options::add);
        bundlesIn(stacks.resolve(NAME).resolve("bundles")).forEach(options::add);
        options.add(jar(Paths.get(requiredProperty("kuradps.bundle.apistub"))));
        options.add(jar(Paths.get(requiredProperty("kuradps.bundle.runtimesupport"))));
        options.add(jar(Paths.get(requiredProperty("kuradps.bundle.provisioning"))));
        return options.toArray(new Option[0]);
    }

    /**
     * Kura's own ConfigurationService, SslManagerService + KeystoreService and MqttDataTransport + DataService
     * (runtime-support's stand-ins, runtime-support/README.md), for this framework only: framework properties, not
     * system properties, so no later framework of the JVM gets them. The gateway gets a Kura data directory of its
     * own, made now (a gateway that never ran: no snapshot, no cache, no crypto key of an earlier class), which
     * every reboot within the class keeps.
     */
    public static Option kuraCloudServices(String gatewayName) {
        Path dataDirectory;
        try {
            dataDirectory = Files.createTempDirectory(KuraData.DIRECTORY.getParent(), NAME + "-" + gatewayName + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return composite(
                frameworkProperty(StandInSystemService.DATA_DIRECTORY_PROPERTY).value(dataDirectory.toString()),
                frameworkProperty(StandInRegistrar.CONFIGURATION_PROPERTY).value("true"),
                frameworkProperty(StandInRegistrar.SSL_PROPERTY).value("true"),
                frameworkProperty(StandInRegistrar.CLOUD_CONNECTION_PROPERTY).value("true"));
    }

    /** The bundle holding Kura's service stand-ins (runtime-support) in the running framework. */
    public static Bundle kuraServicesBundle(BundleContext context) {
        return installed(context, RUNTIME_SUPPORT_BUNDLE);
    }

    /** The provisioning bundle installed in the running framework. */
    public static Bundle provisioningBundle(BundleContext context) {
        return installed(context, PROVISIONING_BUNDLE);
    }

    private static Bundle installed(BundleContext context, String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }

    /**
     * Made on first use in the driver, once per JVM (one JVM per stack); not when the probe loads this class for
     * its constants.
     */
    private static final class KuraData {
        static final Path DIRECTORY = create();

        private static Path create() {
            try {
                Path parent = Files.createDirectories(Paths.get(requiredProperty("kuradps.kura.data.parent")));
                return Files.createTempDirectory(parent, NAME + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Option> bundlesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Option> result = new ArrayList<>();
            files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> result.add(jar(f)));
            if (result.isEmpty()) {
                throw new IllegalStateException("no bundles in " + dir + "; run through mvn verify");
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UrlProvisionOption jar(Path file) {
        File f = file.toFile();
        if (!f.isFile()) {
            throw new IllegalStateException("bundle " + f + " missing; build the reactor with mvn verify");
        }
        UrlProvisionOption option = bundle(f.toURI().toString());
        // A fragment cannot be started; the framework attaches it to its host.
        return isFragment(f) ? option.noStart() : option;
    }

    private static boolean isFragment(File jar) {
        try (JarFile jarFile = new JarFile(jar)) {
            return jarFile.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("system property " + name + " not set; run through mvn verify");
        }
        return value;
    }
}
