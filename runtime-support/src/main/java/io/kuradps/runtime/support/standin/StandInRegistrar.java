package io.kuradps.runtime.support.standin;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.crypto.DemoCryptoService;
import io.kuradps.runtime.support.seed.ConfigurationSeeder;
import io.kuradps.runtime.support.system.StandInSystemService;

/**
 * Registers the stand-ins for Kura's own services, each only where a framework property asks for it. A test
 * framework that installs this bundle for one stand-in thus gets none of the others to compete with services
 * of its own:
 * <ul>
 * <li>SystemService when any of {@link StandInSystemService#PROPERTIES} is set, with Kura's
 * {@code service.pid} and {@code kura.service.pid};</li>
 * <li>the demo CryptoService when {@value ConfigurationSeeder#CONFIG_FILE_PROPERTY} is set: the seeder needs it
 * to encrypt Password values, as Kura does with its snapshot.</li>
 * </ul>
 */
@Component(immediate = true)
public final class StandInRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(StandInRegistrar.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    void activate(BundleContext context) throws GeneralSecurityException {
        if (StandInSystemService.PROPERTIES.stream().anyMatch(property -> context.getProperty(property) != null)) {
            registerSystemService(context);
        }
        if (context.getProperty(ConfigurationSeeder.CONFIG_FILE_PROPERTY) != null) {
            this.registrations.add(context.registerService(CryptoService.class, new DemoCryptoService(), null));
        }
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
