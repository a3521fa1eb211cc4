package io.kuradps.itest;

import static org.junit.Assert.assertEquals;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.runtime.support.standin.StandInRegistrar;

/**
 * Reboots the gateway as a real Kura start looks to the provisioning bundle (kura.md, "What a real Kura start
 * does that a test framework does not"): Kura launches Equinox with {@code osgi.clean=true}, so the framework
 * forgets every installed bundle and installs it afresh, with a new bundle id, a new class loader and an empty
 * data area ({@code BundleContext.getDataFile}); ConfigAdmin's store, kept in its own data area, is gone too,
 * and Kura's ConfigurationService pushes the newest snapshot back into it; Kura's data directory is untouched.
 * <p>
 * Within one pax-exam framework the faithful equivalent is to uninstall the bundle and install it again from
 * the same location: the framework drops the old bundle's storage and the new one gets its own, empty, as after
 * {@code osgi.clean}; no class or static state of the old one carries over. Stopping the bundle and deleting
 * its data directory would keep the bundle, its id and its class loader, which no Kura start does. The probe
 * keeps its wire to the uninstalled bundle's api package (only interfaces and constants) and the new bundle
 * imports that package from there, so the tests see the new bundle's services. The configuration is taken out
 * of ConfigAdmin while the bundle is gone and written back after it has started, as Kura's snapshot restore
 * does. Nothing here touches the Kura data directory.
 * <p>
 * On a gateway that runs Kura's ConfigurationService (runtime-support's stand-in, {@link KuraStack#kuraCloudServices})
 * the reboot is Kura's whole shutdown and start: the shutdown begins as the real-Kura harness showed it, Kura's
 * CryptoService and SystemService leaving first, with everything that needs them, while the provisioning bundle still
 * runs (runtime-support's {@code kuradps.standin.kuraShutdown} Runnable; runtime-support/README.md, "Shutdown order");
 * then the provisioning bundle stops, then the bundle of Kura's services
 * (ConfigurationService, transports, DataServices, SSL), and every configuration leaves ConfigAdmin, as
 * {@code osgi.clean} wipes ConfigAdmin's store; the provisioning bundle is installed afresh as above; Kura's
 * services start again and the ConfigurationService pushes its newest snapshot back into ConfigAdmin, factory
 * instances included, before the provisioning bundle starts. Whatever the snapshot does not hold is gone, and
 * what it holds comes back as it was when the snapshot was taken, e.g. a transport's token of that day.
 */
public final class GatewayReboot {

    private GatewayReboot() {
    }

    /**
     * Something the test does while the gateway goes down: the provisioning bundle has stopped, Kura still runs; with
     * Kura's ConfigurationService, before Kura's shutdown begins, so both still run.
     */
    @FunctionalInterface
    public interface ShutdownStep {
        void run() throws Exception;
    }

    /** Reboots as described above; returns the provisioning bundle now installed. */
    public static Bundle reboot(BundleContext context, ConfigurationAdmin configurationAdmin) throws Exception {
        return reboot(context, configurationAdmin, () -> {
        });
    }

    /**
     * Reboots as described above, running {@code whileStopping} once the provisioning bundle has stopped (with Kura's
     * ConfigurationService: before Kura's shutdown begins); returns the provisioning bundle now installed.
     */
    public static Bundle reboot(BundleContext context, ConfigurationAdmin configurationAdmin, ShutdownStep whileStopping)
            throws Exception {
        if (context.getServiceReference(ConfigurationService.class) != null) {
            return rebootWithKurasSnapshot(context, configurationAdmin, whileStopping, () -> {
            });
        }
        Bundle before = KuraStack.provisioningBundle(context);
        String location = before.getLocation();
        // The gateway shuts down: the component deactivates as on a framework stop, with its configuration in place.
        before.stop();
        whileStopping.run();
        Dictionary<String, Object> snapshot = withoutConfigAdminKeys(configuration(configurationAdmin).getProperties());
        before.uninstall();
        configuration(configurationAdmin).delete();

        Bundle after = context.installBundle(location);
        assertEquals("the bundle's data area after the reboot holds", Collections.emptyList(), dataArea(after));
        after.start();
        // The tests hold the api classes of the first boot's bundle; they see the new bundle's services only
        // if it shares that package.
        assertEquals("the rebooted bundle's api package comes from", FrameworkUtil.getBundle(DpsProvisioning.class),
                apiPackageProvider(after));
        if (snapshot != null) {
            configuration(configurationAdmin).update(snapshot);
        }
        return after;
    }

    /**
     * On a gateway with Kura's ConfigurationService: reboots as described above, running {@code whileStopping} before
     * Kura's shutdown begins and {@code whileKuraShutsDown} once it has begun, while the provisioning bundle still runs
     * (on Kura, other bundles stop meanwhile); returns the provisioning bundle now installed.
     */
    public static Bundle rebootKura(BundleContext context, ConfigurationAdmin configurationAdmin,
            ShutdownStep whileStopping, ShutdownStep whileKuraShutsDown) throws Exception {
        if (context.getServiceReference(ConfigurationService.class) == null) {
            throw new AssertionError("no Kura ConfigurationService: this gateway has no Kura to shut down");
        }
        return rebootWithKurasSnapshot(context, configurationAdmin, whileStopping, whileKuraShutsDown);
    }

    private static Bundle rebootWithKurasSnapshot(BundleContext context, ConfigurationAdmin configurationAdmin,
            ShutdownStep whileStopping, ShutdownStep whileKuraShutsDown) throws Exception {
        Bundle before = KuraStack.provisioningBundle(context);
        String location = before.getLocation();
        whileStopping.run();
        kuraShutdownBegins(context);
        whileKuraShutsDown.run();
        before.stop();
        Bundle kura = KuraStack.kuraServicesBundle(context);
        kura.stop();
        Configuration[] all = configurationAdmin.listConfigurations(null);
        for (Configuration configuration : all == null ? new Configuration[0] : all) {
            configuration.delete();
        }
        before.uninstall();

        Bundle after = context.installBundle(location);
        assertEquals("the bundle's data area after the reboot holds", Collections.emptyList(), dataArea(after));
        kura.start();
        after.start();
        assertEquals("the rebooted bundle's api package comes from", FrameworkUtil.getBundle(DpsProvisioning.class),
                apiPackageProvider(after));
        return after;
    }

    /** Runtime-support's Runnable that begins a Kura shutdown: the CryptoService, then the SystemService, leave. */
    private static void kuraShutdownBegins(BundleContext context) throws InvalidSyntaxException {
        Collection<ServiceReference<Runnable>> shutdown = context.getServiceReferences(Runnable.class,
                "(" + StandInRegistrar.KURA_SHUTDOWN_PROPERTY + "=true)");
        assertEquals("runtime-support's Kura shutdown services", 1, shutdown.size());
        ServiceReference<Runnable> reference = shutdown.iterator().next();
        try {
            context.getService(reference).run();
        } finally {
            context.ungetService(reference);
        }
    }

    private static Bundle apiPackageProvider(Bundle bundle) {
        String api = DpsProvisioning.class.getPackage().getName();
        for (BundleWire wire : bundle.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (api.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return wire.getProvider().getBundle();
            }
        }
        return bundle;
    }

    private static List<String> dataArea(Bundle bundle) {
        File area = bundle.getDataFile("");
        if (area == null) {
            throw new AssertionError("the framework gives " + bundle + " no data area");
        }
        String[] entries = area.list();
        return entries == null ? Collections.<String>emptyList() : Arrays.asList(entries);
    }

    private static Configuration configuration(ConfigurationAdmin configurationAdmin) throws IOException {
        return configurationAdmin.getConfiguration(DpsProvisionerConfiguration.PID, "?");
    }

    /** What Kura's snapshot holds of a configuration: its values, without what ConfigAdmin adds itself. */
    private static Dictionary<String, Object> withoutConfigAdminKeys(Dictionary<String, Object> properties) {
        if (properties == null) {
            return null;
        }
        Dictionary<String, Object> values = new Hashtable<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!key.equals(Constants.SERVICE_PID) && !key.equals(ConfigurationAdmin.SERVICE_FACTORYPID)
                    && !key.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION)) {
                values.put(key, properties.get(key));
            }
        }
        return values;
    }
}
