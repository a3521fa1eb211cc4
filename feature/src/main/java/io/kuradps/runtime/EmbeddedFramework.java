package io.kuradps.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Equinox, started through the standard launch API, with every bundle of one directory installed and
 * started. Bundles are not on the class path: they see only what the framework exports, as on Kura.
 * One bundle, the add-on, starts after all the others: Kura installs its add-ons' deployment packages once
 * its own services run, so the add-on finds them (and the seeded configuration) from its first activation.
 */
final class EmbeddedFramework {

    /** Service property the runtime-support bundle's OutcomeForwarder looks for. */
    private static final String OUTCOME_LISTENER_PROPERTY = "kuradps.runtime.outcome.listener";

    private final Framework framework;
    private final List<Bundle> addOns;

    private EmbeddedFramework(Framework framework, List<Bundle> addOns) {
        this.framework = framework;
        this.addOns = addOns;
    }

    /**
     * Starts every bundle but the add-on, which {@link #startAddOn()} starts.
     *
     * @param addOn symbolic name of the bundle that starts last
     * @param outcomes receives the properties of the events runtime-support forwards (provisioning outcomes, the
     *            hub link's events, the seeding's end); registered before any bundle starts, so none is missed
     * @param services registered on the system bundle before any bundle starts, with their properties; only
     *            java.* types can cross (e.g. the simulator's socket route)
     */
    static EmbeddedFramework start(Path bundleDirectory, String addOn, Map<String, String> properties,
            Consumer<Map<String, Object>> outcomes, List<SystemBundleService<?>> services)
            throws BundleException, IOException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(properties);
        framework.init();
        Hashtable<String, Object> listenerProperties = new Hashtable<>();
        listenerProperties.put(OUTCOME_LISTENER_PROPERTY, Boolean.TRUE);
        framework.getBundleContext().registerService(Consumer.class, outcomes, listenerProperties);
        for (SystemBundleService<?> service : services) {
            service.registerOn(framework.getBundleContext());
        }

        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(bundleDirectory)) {
            for (Path jar : jars.filter(path -> path.toString().endsWith(".jar")).sorted().toList()) {
                installed.add(framework.getBundleContext().installBundle(jar.toUri().toString()));
            }
        }
        framework.start();
        installed.stream().filter(bundle -> !addOn.equals(bundle.getSymbolicName())).forEach(EmbeddedFramework::start);
        return new EmbeddedFramework(framework,
                installed.stream().filter(bundle -> addOn.equals(bundle.getSymbolicName())).toList());
    }

    /** Starts the add-on, as Kura starts an add-on's deployment package once its own services run. */
    void startAddOn() {
        this.addOns.forEach(EmbeddedFramework::start);
    }

    /** The system bundle's context, to find services from outside the framework. */
    BundleContext context() {
        return this.framework.getBundleContext();
    }

    /** A service the launcher offers the bundles; its type must be a java.* one, which both sides load alike. */
    record SystemBundleService<T>(Class<T> type, T service, Map<String, Object> properties) {

        void registerOn(BundleContext context) {
            context.registerService(this.type, this.service, new Hashtable<>(this.properties));
        }
    }

    private static void start(Bundle bundle) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            System.err.println("WARNING: bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
        }
    }

    /** Blocks until the framework stops, e.g. through the shell's {@code stop 0}. */
    void awaitStop() throws InterruptedException {
        this.framework.waitForStop(0);
    }

    /**
     * Stops the framework as Kura's shutdown does, the add-on still running: Kura's CryptoService goes first
     * (runtime-support/README.md, "Shutdown order"), then the bundles; waits, at most 30 s, for the end.
     */
    void stop() throws BundleException, InterruptedException {
        this.framework.stop();
        this.framework.waitForStop(30_000);
    }
}
