package io.kuradps.feature;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentException;
import org.osgi.service.deploymentadmin.DeploymentPackage;

/**
 * Installs the .dp the way Kura 5 does (Felix DeploymentAdmin 0.9.5 on Equinox 3.16 with Kura's service
 * bundles), from the file the build produced, and removes it again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeploymentPackageInstallIT {

    private static final String OUR_BUNDLE = "io.kuradps.provisioning";

    @Inject
    private BundleContext context;

    @Inject
    private DeploymentAdmin deploymentAdmin;

    @Configuration
    public Option[] configuration() {
        return options(KuraStack.withDeploymentAdmin());
    }

    @Test
    public void installsFromItsFileAndUninstallsCleanly() throws Exception {
        DeploymentPackage ours = install(KuraStack.deploymentPackage());

        assertEquals("kura-dps", ours.getName());
        assertEquals(1, ours.getBundleInfos().length);
        Bundle bundle = ours.getBundle(OUR_BUNDLE);
        assertNotNull("the package's bundle is installed", bundle);
        assertEquals("DeploymentAdmin starts the bundle", Bundle.ACTIVE, bundle.getState());
        assertNull("no Kura API classes inside", bundle.findEntries("org/eclipse/kura", "*", true));
        for (BundleWire wire : packageWires(bundle)) {
            String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if (pkg.startsWith("org.eclipse.kura")) {
                assertEquals(pkg + " comes from the gateway's Kura API", "org.eclipse.kura.api.stub",
                        wire.getProvider().getBundle().getSymbolicName());
            }
        }

        ours.uninstall();

        assertNull("bundle gone after uninstall", findBundle(OUR_BUNDLE));
        assertNull(this.deploymentAdmin.getDeploymentPackage("kura-dps"));
        assertEquals("no thread of ours left", List.of(), Threads.survivorsAfter(10, TimeUnit.SECONDS));
    }

    @Test
    public void installsBesideAnotherPackageShippingPahoAndJackson() throws Exception {
        Path itBundles = KuraStack.itBundles();
        Path other = DeploymentPackages.write(Files.createTempFile("other-addon", ".dp"), "other.addon", "1.0.0",
                List.of(itBundles.resolve("org.eclipse.paho.client.mqttv3.jar"),
                        itBundles.resolve("jackson-annotations.jar"), itBundles.resolve("jackson-core.jar"),
                        itBundles.resolve("jackson-databind.jar")));
        DeploymentPackage otherPackage = install(other);
        assertNotNull(findBundle("org.eclipse.paho.client.mqttv3"));
        assertNotNull(findBundle("com.fasterxml.jackson.core.jackson-databind"));

        // The control: had we shipped Paho as a bundle, DeploymentAdmin would refuse our package.
        Path sharingPaho = DeploymentPackages.write(Files.createTempFile("sharing-paho", ".dp"), "sharing.paho",
                "1.0.0", List.of(itBundles.resolve("org.eclipse.paho.client.mqttv3.jar")));
        try {
            install(sharingPaho);
            fail("a package shipping a bundle another package owns must be refused");
        } catch (DeploymentException expected) {
            assertEquals(DeploymentException.CODE_BUNDLE_SHARING_VIOLATION, expected.getCode());
        }

        DeploymentPackage ours = install(KuraStack.deploymentPackage());

        Bundle bundle = ours.getBundle(OUR_BUNDLE);
        assertEquals(Bundle.ACTIVE, bundle.getState());
        for (BundleWire wire : packageWires(bundle)) {
            String pkg = (String) wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            assertFalse(pkg + " must come from inside our bundle, not another package",
                    pkg.startsWith("org.eclipse.paho") || pkg.startsWith("com.fasterxml.jackson"));
        }
        assertEquals(2, this.deploymentAdmin.listDeploymentPackages().length);

        ours.uninstall();
        assertNull(findBundle(OUR_BUNDLE));
        assertEquals("the other package keeps its bundles", Bundle.ACTIVE,
                findBundle("org.eclipse.paho.client.mqttv3").getState());
        otherPackage.uninstall();
        assertNull(findBundle("org.eclipse.paho.client.mqttv3"));
        assertEquals(List.of(), Threads.survivorsAfter(10, TimeUnit.SECONDS));
    }

    private DeploymentPackage install(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return this.deploymentAdmin.installDeploymentPackage(in);
        }
    }

    private Bundle findBundle(String symbolicName) {
        return Arrays.stream(this.context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }

    private static List<BundleWire> packageWires(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        return new ArrayList<>(wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE));
    }
}
