package io.kuradps.runtime.support.standin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.cloud.StandInDataService;
import io.kuradps.runtime.support.cloud.StandInMqttDataTransport;
import io.kuradps.runtime.support.cloud.StandInRawMqttCloudConnectionFactory;
import io.kuradps.runtime.support.configuration.StandInConfigurationService;
import io.kuradps.runtime.support.crypto.StandInCryptoService;
import io.kuradps.runtime.support.seed.ConfigurationSeeder;
import io.kuradps.runtime.support.ssl.StandInKeystoreService;
import io.kuradps.runtime.support.ssl.StandInSslManagerService;
import io.kuradps.runtime.support.system.StandInSystemService;

/**
 * Registers the stand-ins for Kura's own services, each only where a framework property asks for it. A test
 * framework that installs this bundle for one stand-in thus gets none of the others to compete with services
 * of its own (runtime-support/README.md has the table):
 * <ul>
 * <li>SystemService when any of {@link StandInSystemService#PROPERTIES} is set, with Kura's
 * {@code service.pid} and {@code kura.service.pid};</li>
 * <li>{@value #CONFIGURATION_PROPERTY}=true: the ConfigurationService (it needs {@code kura.data} for its
 * snapshots);</li>
 * <li>{@value #SSL_PROPERTY}=true: the SslManagerService and KeystoreService components, instantiated by their
 * factory configurations;</li>
 * <li>{@value #CLOUD_CONNECTION_PROPERTY}=true: the MqttDataTransport and DataService components (instantiated
 * by their factory configurations) and the raw MQTT CloudConnectionFactory;</li>
 * <li>the CryptoService component ({@link StandInCryptoService}) where any of those three is on, or
 * {@value ConfigurationSeeder#CONFIG_FILE_PROPERTY} is set (the seeder encrypts Password values with it, as Kura
 * does with its snapshot).</li>
 * </ul>
 * When the framework stops, a Kura shutdown begins before any bundle stops, as the real-Kura harness showed it
 * (runtime-support/README.md, "Shutdown order"): the CryptoService goes first, then the SystemService (which Kura's
 * CryptoService needs); every component that needs them goes with them, and an add-on still running sees them leave.
 * A launcher or test that reboots Kura without stopping the framework runs the same through the {@link Runnable}
 * service with {@value #KURA_SHUTDOWN_PROPERTY}{@code =true}.
 */
@Component(immediate = true)
public final class StandInRegistrar {

    public static final String CONFIGURATION_PROPERTY = "kuradps.standin.configuration";
    public static final String SSL_PROPERTY = "kuradps.standin.ssl";
    public static final String CLOUD_CONNECTION_PROPERTY = "kuradps.standin.cloudconnection";
    /** Service property of the Runnable that begins a Kura shutdown (only java.* types cross). */
    public static final String KURA_SHUTDOWN_PROPERTY = "kuradps.standin.kuraShutdown";
    /** How long the framework's stop waits for the CryptoService to have gone. */
    private static final long CRYPTO_LEAVING_SECONDS = 30;

    static final List<String> SSL_COMPONENTS = Collections.unmodifiableList(Arrays.asList(
            StandInSslManagerService.FACTORY_PID, StandInKeystoreService.FACTORY_PID));
    static final List<String> CLOUD_CONNECTION_COMPONENTS = Collections.unmodifiableList(Arrays.asList(
            StandInMqttDataTransport.FACTORY_PID, StandInDataService.FACTORY_PID,
            StandInRawMqttCloudConnectionFactory.FACTORY_PID));

    private static final Logger LOG = LoggerFactory.getLogger(StandInRegistrar.class);

    @Reference
    private ServiceComponentRuntime componentRuntime;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ServiceRegistration<?> systemService;
    private BundleContext context;
    private SynchronousBundleListener frameworkStop;

    @Activate
    void activate(ComponentContext component) {
        Bundle own = component.getBundleContext().getBundle();
        activate(component.getBundleContext(), component::enableComponent, name -> disableNow(own, name));
    }

    /**
     * @param enableComponent enables the component of this bundle with that name
     * @param disableComponentNow disables the component of this bundle with that name, returning once it is gone
     */
    void activate(BundleContext bundleContext, Consumer<String> enableComponent,
            Consumer<String> disableComponentNow) {
        boolean configuration = isOn(bundleContext, CONFIGURATION_PROPERTY);
        boolean ssl = isOn(bundleContext, SSL_PROPERTY);
        boolean cloudConnection = isOn(bundleContext, CLOUD_CONNECTION_PROPERTY);
        if (configuration && bundleContext.getProperty(SystemService.KEY_KURA_DATA_DIR) == null) {
            String problem = CONFIGURATION_PROPERTY + " needs " + SystemService.KEY_KURA_DATA_DIR
                    + " (the snapshots live under Kura's data directory)";
            LOG.error("No ConfigurationService: {}", problem);
            throw new IllegalArgumentException(problem);
        }
        if (StandInSystemService.PROPERTIES.stream().anyMatch(property -> bundleContext.getProperty(property) != null)) {
            registerSystemService(bundleContext);
        }
        if (configuration || ssl || cloudConnection
                || bundleContext.getProperty(ConfigurationSeeder.CONFIG_FILE_PROPERTY) != null) {
            enableComponent.accept(StandInCryptoService.COMPONENT_NAME);
            this.context = bundleContext;
            Runnable kuraShutdown = () -> beginKuraShutdown(disableComponentNow);
            this.frameworkStop = event -> {
                if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                    LOG.info("The framework stops: the CryptoService goes first, as at a Kura shutdown");
                    kuraShutdown.run();
                }
            };
            bundleContext.addBundleListener(this.frameworkStop);
            Hashtable<String, Object> shutdown = new Hashtable<>();
            shutdown.put(KURA_SHUTDOWN_PROPERTY, Boolean.TRUE);
            this.registrations.add(bundleContext.registerService(Runnable.class, kuraShutdown, shutdown));
        }
        if (configuration) {
            enableComponent.accept(StandInConfigurationService.COMPONENT_NAME);
        }
        if (ssl) {
            SSL_COMPONENTS.forEach(enableComponent);
        }
        if (cloudConnection) {
            CLOUD_CONNECTION_COMPONENTS.forEach(enableComponent);
        }
    }

    /** The CryptoService leaves, then the SystemService; once only. */
    private synchronized void beginKuraShutdown(Consumer<String> disableComponentNow) {
        disableComponentNow.accept(StandInCryptoService.COMPONENT_NAME);
        if (this.systemService != null) {
            ServiceRegistration<?> leaving = this.systemService;
            this.systemService = null;
            this.registrations.removeIf(registration -> registration == leaving);
            leaving.unregister();
        }
    }

    /** Through SCR, which disables asynchronously: waits, bounded, until the component is gone. */
    private void disableNow(Bundle own, String name) {
        ComponentDescriptionDTO description = this.componentRuntime.getComponentDescriptionDTO(own, name);
        if (description == null) {
            return;
        }
        CountDownLatch gone = new CountDownLatch(1);
        this.componentRuntime.disableComponent(description).onResolve(gone::countDown);
        try {
            if (!gone.await(CRYPTO_LEAVING_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} was not disabled within {} s", name, CRYPTO_LEAVING_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isOn(BundleContext context, String property) {
        return Boolean.parseBoolean(context.getProperty(property));
    }

    private void registerSystemService(BundleContext context) {
        StandInSystemService system;
        try {
            system = new StandInSystemService(context::getProperty, context::getBundles);
        } catch (IllegalArgumentException e) {
            // SCR would only hand this to a LogService, which a bare framework does not print.
            LOG.error("No SystemService: {}", e.getMessage());
            throw e;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, SystemService.class.getName());
        properties.put(ConfigurationService.KURA_SERVICE_PID, SystemService.class.getName());
        this.systemService = context.registerService(SystemService.class, system, properties);
        this.registrations.add(this.systemService);
        LOG.info("Stand-in SystemService: Kura data directory {}, serial number {}", system.getKuraDataDirectory(),
                system.getSerialNumber());
    }

    @Deactivate
    synchronized void deactivate() {
        if (this.frameworkStop != null) {
            this.context.removeBundleListener(this.frameworkStop);
            this.frameworkStop = null;
        }
        this.registrations.forEach(ServiceRegistration::unregister);
        this.registrations.clear();
    }
}
