package io.kuradps.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
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

/**
 * The framework bundle set of one Kura generation, as laid out by the itest pom (one failsafe run per stack,
 * chosen by the system property {@code kuradps.stack}), plus our own bundles from the reactor.
 */
public final class KuraStack {

    /** Which stack this JVM runs: "kura5" (Equinox 3.16) or "kura6" (Equinox 3.21). */
    public static final String NAME = requiredProperty("kuradps.stack");

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

    /** Framework bundles, logging, the Kura API stand-in and the provisioning bundle. */
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

        Path stacks = Paths.get(requiredProperty("kuradps.stacks.dir"));
        bundlesIn(stacks.resolve("common")).forEach(options::add);
        bundlesIn(stacks.resolve(NAME).resolve("bundles")).forEach(options::add);
        options.add(jar(Paths.get(requiredProperty("kuradps.bundle.apistub"))));
        options.add(jar(Paths.get(requiredProperty("kuradps.bundle.provisioning"))));
        return options.toArray(new Option[0]);
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
