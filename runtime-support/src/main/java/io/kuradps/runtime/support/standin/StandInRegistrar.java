package io.kuradps.runtime.support.standin;

import java.io.IOException;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.cloud.StandInDataService;
import io.kuradps.runtime.support.cloud.StandInMqttDataTransport;
import io.kuradps.runtime.support.cloud.StandInRawMqttCloudConnectionFactory;
import io.kuradps.runtime.support.configuration.StandInConfigurationService;
import io.kuradps.runtime.support.crypto.DemoCryptoService;
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
 * <li>the demo CryptoService where any of those three is on, or {@value ConfigurationSeeder#CONFIG_FILE_PROPERTY}
 * is set (the seeder encrypts Password values with it, as Kura does with its snapshot); with {@code kura.data} set
 * its key is kept in {@value #CRYPTO_KEY_FILE} under it, so that encrypted values outlive a restart.</li>
 * </ul>
 */
@Component(immediate = true)
public final class StandInRegistrar {

    public static final String CONFIGURATION_PROPERTY = "kuradps.standin.configuration";
    public static final String SSL_PROPERTY = "kuradps.standin.ssl";
    public static final String CLOUD_CONNECTION_PROPERTY = "kuradps.standin.cloudconnection";
    /** Under Kura's data directory. */
    public static final String CRYPTO_KEY_FILE = "security/demo-crypto.key";

    static final List<String> SSL_COMPONENTS = Collections.unmodifiableList(Arrays.asList(
            StandInSslManagerService.FACTORY_PID, StandInKeystoreService.FACTORY_PID));
    static final List<String> CLOUD_CONNECTION_COMPONENTS = Collections.unmodifiableList(Arrays.asList(
            StandInMqttDataTransport.FACTORY_PID, StandInDataService.FACTORY_PID,
            StandInRawMqttCloudConnectionFactory.FACTORY_PID));

    private static final Logger LOG = LoggerFactory.getLogger(StandInRegistrar.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    void activate(ComponentContext component) throws GeneralSecurityException, IOException {
        activate(component.getBundleContext(), component::enableComponent);
    }

    /** @param enableComponent enables the component of this bundle with that name */
    void activate(BundleContext context, Consumer<String> enableComponent) throws GeneralSecurityException,
            IOException {
        boolean configuration = isOn(context, CONFIGURATION_PROPERTY);
        boolean ssl = isOn(context, SSL_PROPERTY);
        boolean cloudConnection = isOn(context, CLOUD_CONNECTION_PROPERTY);
        if (configuration && context.getProperty(SystemService.KEY_KURA_DATA_DIR) == null) {
            String problem = CONFIGURATION_PROPERTY + " needs " + SystemService.KEY_KURA_DATA_DIR
                    + " (the snapshots live under Kura's data directory)";
            LOG.error("No ConfigurationService: {}", problem);
            throw new IllegalArgumentException(problem);
        }
        if (StandInSystemService.PROPERTIES.stream().anyMatch(property -> context.getProperty(property) != null)) {
            registerSystemService(context);
        }
        if (configuration || ssl || cloudConnection
                || context.getProperty(ConfigurationSeeder.CONFIG_FILE_PROPERTY) != null) {
            this.registrations.add(context.registerService(CryptoService.class, cryptoService(context), null));
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

    private static boolean isOn(BundleContext context, String property) {
        return Boolean.parseBoolean(context.getProperty(property));
    }

    private static CryptoService cryptoService(BundleContext context) throws GeneralSecurityException, IOException {
        String dataDirectory = context.getProperty(SystemService.KEY_KURA_DATA_DIR);
        return dataDirectory == null ? new DemoCryptoService()
                : DemoCryptoService.keptIn(Paths.get(dataDirectory, CRYPTO_KEY_FILE));
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
        this.registrations.add(context.registerService(SystemService.class, system, properties));
        LOG.info("Stand-in SystemService: Kura data directory {}, serial number {}", system.getKuraDataDirectory(),
                system.getSerialNumber());
    }

    @Deactivate
    void deactivate() {
        this.registrations.forEach(ServiceRegistration::unregister);
        this.registrations.clear();
    }
}
