package io.kuradps.feature;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Path;
import java.nio.file.Paths;

import org.ops4j.pax.exam.Option;

/**
 * The Kura 5 framework stack (kura.md) plus the DeploymentAdmin Kura installs packages with. Every bundle
 * comes as a file the build copied to target/, so a clean clone needs no local install.
 */
public final class KuraStack {

    private KuraStack() {
    }

    public static Path bundles() {
        return Paths.get(System.getProperty("kuradps.bundles", "target/bundles"));
    }

    public static Path itBundles() {
        return Paths.get(System.getProperty("kuradps.itBundles", "target/it-bundles"));
    }

    /** The repository's config/ folder: the samples users get are the ones the tests use. */
    public static Path configDirectory() {
        return Paths.get(System.getProperty("kuradps.config", "../config"));
    }

    public static Path deploymentPackage() {
        return Paths.get(System.getProperty("kuradps.dp"));
    }

    public static Option withDeploymentAdmin() {
        return composite(
                // The simulator runs in the test JVM; the probe reaches it through boot delegation.
                frameworkProperty("org.osgi.framework.bootdelegation").value("io.kuradps.simulator,io.kuradps.simulator.*"),
                frameworkProperty("org.osgi.framework.bundle.parent").value("app"),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"),
                stackBundle("org.eclipse.osgi.services"),
                stackBundle("org.eclipse.osgi.util"),
                stackBundle("org.eclipse.equinox.common"),
                stackBundle("org.osgi.util.function"),
                stackBundle("org.osgi.util.promise"),
                stackBundle("org.apache.felix.scr"),
                stackBundle("org.eclipse.equinox.cm"),
                stackBundle("org.eclipse.equinox.event"),
                stackBundle("org.eclipse.equinox.metatype"),
                stackBundle("slf4j-api"),
                bundle(fileUrl(bundles().resolve("slf4j-simple.jar"))).noStart(),
                stackBundle("kura-api-stub"),
                bundle(fileUrl(itBundles().resolve("org.apache.felix.dependencymanager.jar"))),
                bundle(fileUrl(itBundles().resolve("org.apache.felix.deploymentadmin.jar"))),
                junitBundles(),
                cleanCaches());
    }

    private static Option stackBundle(String fileName) {
        return bundle(fileUrl(bundles().resolve(fileName + ".jar")));
    }

    private static String fileUrl(Path file) {
        return file.toAbsolutePath().toUri().toString();
    }
}
