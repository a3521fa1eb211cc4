package io.kuradps.provisioning.component;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KuraTopics;
import io.kuradps.provisioning.protocol.ServiceClock;

/**
 * The Kura component: takes its configuration from ConfigAdmin (as the Kura web UI writes it), hands the work to
 * a {@link ProvisioningWorker} and connects it to OSGi: EventAdmin for events, a {@link DpsProvisioning} service whose
 * properties carry the assignment, and an EventHandler for re-provisioning requests.
 */
@Component(name = DpsProvisioner.PID, configurationPid = DpsProvisioner.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = { ConfigurableComponent.class, EventHandler.class },
        property = { EventConstants.EVENT_TOPIC + "=" + ProvisioningEvents.TOPIC_REQUEST_PROVISION,
            EventConstants.EVENT_TOPIC + "=" + KuraTopics.CLOCK })
@Designate(ocd = DpsProvisionerConfig.class)
public final class DpsProvisioner implements ConfigurableComponent, EventHandler {

    public static final String PID = "io.kuradps.provisioning.DpsProvisioner";

    /**
     * Not in the metatype, so the web UI never shows it: shifts the component's clock by this many seconds (may be
     * negative). Lets tests, and an operator chasing a report, reproduce a gateway whose clock is wrong at boot.
     */
    static final String CLOCK_OFFSET_SECONDS = "io.kuradps.provisioning.clock.offset.seconds";
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(DpsProvisionerConfig.FIRST_RETRY_PAUSE_SECONDS);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(DpsProvisioner.class);

    /** Password values as the CryptoService, bound now or before, lets them be read. */
    private final PasswordDecryptor passwords = new PasswordDecryptor();
    private volatile EventAdmin eventAdmin;
    private final AtomicReference<ConfigurationService> configurationService = new AtomicReference<>();
    /**
     * ConfigAdmin, where a configuration Kura does not track yet (one restored from its snapshot) is seen. Its arrival
     * wakes nothing: Kura's ConfigurationService, which a run that would create a keystore also needs, comes after it.
     * Injected by DS into the field (tests set it too).
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ConfigurationAdmin configurationAdmin;

    private final Object registrationLock = new Object();
    private ServiceRegistration<DpsProvisioning> registration;
    /** The hub link's handle on the device key; see {@link DeviceCredentials}. */
    private ServiceRegistration<DeviceCredentials> credentialsRegistration;
    private ServiceClock serviceClock;

    /**
     * Guards what follows: the last configuration DS gave us (kept to read it again when a service it depends on
     * arrives), the worker (null while not active), and what the SystemService told us.
     */
    private final Object configLock = new Object();
    private DpsProvisionerConfig rawConfig;
    private BundleContext context;
    /** Read without the lock by the service and the event handler, which exist only while it is set. */
    private volatile ProvisioningWorker worker;
    /** The SystemService bound now; null without one. */
    private SystemService systemService;
    /** Whether a SystemService was bound and has left: what it told us then still holds. */
    private boolean systemServiceLeft;
    /** Kura's data directory as the last SystemService gave it; null when none gave one. */
    private Path kuraDataDirectory;
    /** The cache file in use; it changes only when a SystemService brings another data directory. */
    private Path cacheFile;
    /** The last registration id template a SystemService resolved, and what it resolved to. */
    private String[] resolvedTemplate;

    @Activate
    void activate(BundleContext bundleContext, DpsProvisionerConfig config, Map<String, Object> properties) {
        long started = System.nanoTime();
        Clock clock = clock(properties.get(CLOCK_OFFSET_SECONDS));
        serviceClock = new ServiceClock(clock);
        synchronized (configLock) {
            context = bundleContext;
            AssignmentStore store = CacheLocation.store(systemService, bundleContext);
            cacheFile = store.file();
            worker = new ProvisioningWorker(store, new DpsRegistrar(new KuraKeystores(bundleContext,
                    new FileKeystores(new KuraServices())), serviceClock), new Output(), clock,
                    new SecureRandom()::nextDouble, FIRST_PAUSE, new WorkerThread("kura-dps-provisioner"));
        }
        synchronized (registrationLock) {
            registration = bundleContext.registerService(DpsProvisioning.class, new Service(),
                    serviceProperties(null));
            credentialsRegistration = bundleContext.registerService(DeviceCredentials.class,
                    new ProvisionerCredentials(worker, serviceClock), null);
        }
        configure(config);
        LOG.info("Activated in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Modified
    void modified(DpsProvisionerConfig config) {
        LOG.info("Configuration modified");
        configure(config);
    }

    @Deactivate
    void deactivate() {
        ProvisioningWorker stopping;
        synchronized (configLock) {
            rawConfig = null;
            stopping = worker;
        }
        try {
            if (!stopping.close(STOP_TIMEOUT)) {
                LOG.warn("The provisioning thread did not stop within {} s", STOP_TIMEOUT.getSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (registrationLock) {
            unregister(registration);
            registration = null;
            unregister(credentialsRegistration);
            credentialsRegistration = null;
        }
        synchronized (configLock) {
            worker = null;
        }
        LOG.info("Deactivated");
    }

    /** The framework may have unregistered it already (the bundle stopping, seen on the Kura 6 stack). */
    private static void unregister(ServiceRegistration<?> serviceRegistration) {
        try {
            serviceRegistration.unregister();
        } catch (IllegalStateException alreadyUnregistered) {
            LOG.debug("Service already unregistered");
        }
    }

    /**
     * Re-provisioning requested through EventAdmin, or Kura's clock service set the clock: what was measured against
     * the old clock no longer holds, and a run that failed for the clock is worth again now.
     */
    @Override
    public void handleEvent(Event event) {
        if (KuraTopics.CLOCK.equals(event.getTopic())) {
            serviceClock.clockSet();
            LOG.info("Kura's clock service set the clock{}", worker.clockSet()
                    ? "; the last run failed for a reason the clock may explain, so a fresh one starts now" : "");
        } else {
            worker.reprovision();
        }
    }

    /**
     * DPS's time as this gateway knows it, corrected by every registration: for whatever in this bundle signs the
     * hub's tokens, so they are valid by the service's clock too. Not part of the exported API.
     */
    ServiceClock serviceClock() {
        return serviceClock;
    }

    /**
     * Password values stored before the CryptoService was there were taken as given; decrypt them now. When the
     * values decrypt to what was used, the identity is unchanged and nothing restarts. A configuration that waited
     * for a CryptoService to come back is taken now.
     */
    @Reference(name = "cryptoService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetCryptoService")
    void setCryptoService(CryptoService crypto) {
        synchronized (configLock) {
            passwords.bind(crypto);
            if (rawConfig != null) {
                LOG.info("A CryptoService is bound; decrypting the configuration again");
                configure(rawConfig);
            }
        }
    }

    /**
     * The values already decrypted stay in force, and so does the configuration: a CryptoService leaving (Kura
     * stopping, say) is no failure. A Password value that changes before one comes back waits for it.
     */
    void unsetCryptoService(CryptoService crypto) {
        passwords.unbind(crypto);
    }

    /**
     * Kura's SystemService gives the data directory the cache (and a keystore the provisioner creates) lives in and
     * the values of registration id templates. Optional, so activation never waits for it; dynamic and greedy, so
     * neither its arrival nor its departure deactivates the component. One that arrives after activation (Kura
     * registers it early, but DS gives no order) moves the cache to its data directory and starts the work over from
     * there, and resolves the registration id anew; one that leaves (Kura stopping) changes nothing: what it said
     * still holds, as the cache's place and the id it is keyed by must.
     */
    @Reference(name = "systemService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetSystemService")
    void setSystemService(SystemService system) {
        synchronized (configLock) {
            systemService = system;
            systemServiceLeft = false;
            Path directory = CacheLocation.kuraDataDirectory(system);
            if (directory != null) {
                kuraDataDirectory = directory;
            }
            if (worker == null) {
                return;
            }
            AssignmentStore store = CacheLocation.store(system, context);
            if (!store.file().equals(cacheFile)) {
                cacheFile = store.file();
                worker.relocate(store);
            }
            if (rawConfig != null) {
                configure(rawConfig);
            }
            worker.servicesChanged();
        }
    }

    void unsetSystemService(SystemService system) {
        synchronized (configLock) {
            if (systemService == system) {
                systemService = null;
                systemServiceLeft = true;
            }
        }
    }

    /** Kura's ConfigurationService: with it, a keystore the provisioner needs and Kura lacks is created. */
    @Reference(name = "configurationService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetConfigurationService")
    void setConfigurationService(ConfigurationService service) {
        configurationService.set(service);
        servicesChanged();
    }

    void unsetConfigurationService(ConfigurationService service) {
        configurationService.compareAndSet(service, null);
    }

    /**
     * Every KeystoreService, by reference only (none is held): one that registers while a run waits for it lets the
     * run go on. Which one a run uses is configuration, looked up by kura.service.pid ({@link KuraKeystores}).
     */
    @Reference(name = "keystoreService", service = KeystoreService.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "keystoreServiceRemoved")
    void keystoreServiceAdded(ServiceReference<KeystoreService> keystore) {
        servicesChanged();
    }

    /** A keystore that leaves is noticed by the run that looks for it. */
    void keystoreServiceRemoved(ServiceReference<KeystoreService> keystore) {
        // nothing to do until a run needs it
    }

    private void servicesChanged() {
        synchronized (configLock) {
            if (worker != null && worker.servicesChanged()) {
                LOG.info("A service the provisioner waited for is there; the run goes on");
            }
        }
    }

    @Reference(name = "eventAdmin", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetEventAdmin")
    void setEventAdmin(EventAdmin admin) {
        eventAdmin = admin;
    }

    void unsetEventAdmin(EventAdmin admin) {
        if (eventAdmin == admin) {
            eventAdmin = null;
        }
    }

    private void configure(DpsProvisionerConfig config) {
        // One at a time, so a CryptoService bound during modified() cannot apply the older configuration last.
        synchronized (configLock) {
            rawConfig = config;
            try {
                worker.apply(ProvisioningConfig.from(config, passwords, this::registrationId));
            } catch (MissingServiceException e) {
                LOG.info("The configuration waits: {}; what is in force stays", e.getMessage());
            } catch (InvalidConfigurationException e) {
                worker.reject(e);
            }
        }
    }

    /**
     * The registration id a template stands for on this gateway; after the SystemService left, the one it resolved
     * to then. Caller holds configLock.
     */
    private String registrationId(String configured) throws InvalidConfigurationException {
        if (systemService == null && RegistrationIdTemplate.isTemplate(configured) && systemServiceLeft) {
            if (resolvedTemplate != null && resolvedTemplate[0].equals(configured)) {
                return resolvedTemplate[1];
            }
            throw new MissingServiceException(ProvisioningConfig.F_REGISTRATION_ID, "Kura's SystemService went away "
                    + "and this template is not the one it resolved; waiting for a SystemService to resolve it");
        }
        String id = RegistrationIdTemplate.resolve(configured, systemService);
        if (systemService != null) {
            resolvedTemplate = new String[] { configured, id };
        }
        return id;
    }

    static Clock clock(Object offsetSeconds) {
        if (offsetSeconds == null) {
            return Clock.systemUTC();
        }
        try {
            long seconds = offsetSeconds instanceof Number ? ((Number) offsetSeconds).longValue()
                    : Long.parseLong(offsetSeconds.toString().trim());
            LOG.warn("The clock is shifted by {} s ({})", seconds, CLOCK_OFFSET_SECONDS);
            return Clock.offset(Clock.systemUTC(), Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring {}: '{}' is not a number of seconds", CLOCK_OFFSET_SECONDS, offsetSeconds);
            return Clock.systemUTC();
        }
    }

    static Dictionary<String, Object> serviceProperties(Assignment assignment) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_DESCRIPTION, "Azure DPS provisioning of this gateway");
        if (assignment != null) {
            properties.putAll(ProvisioningProperties.ofAssignment(assignment));
        }
        return properties;
    }

    /** Kura's services as the component holds them now, for the keystores it may create. */
    private final class KuraServices implements FileKeystores.Kura {
        @Override
        public ConfigurationService configurationService() {
            return configurationService.get();
        }

        @Override
        public ConfigurationAdmin configurationAdmin() {
            return configurationAdmin;
        }

        @Override
        public Path dataDirectory() {
            synchronized (configLock) {
                return kuraDataDirectory;
            }
        }
    }

    /** Posts events and keeps the service properties in step with the assignment. */
    private final class Output implements ProvisioningWorker.Output {
        @Override
        public void post(String topic, Map<String, Object> properties) {
            EventAdmin admin = eventAdmin;
            if (admin != null) {
                admin.postEvent(new Event(topic, properties));
            }
        }

        @Override
        public void assignmentChanged(Assignment current) {
            synchronized (registrationLock) {
                if (registration != null) {
                    registration.setProperties(serviceProperties(current));
                }
            }
        }
    }

    /** The API service; a separate object so its public methods are exactly the interface's. */
    private final class Service implements DpsProvisioning {
        @Override
        public Optional<Assignment> currentAssignment() {
            return worker.currentAssignment();
        }

        @Override
        public ProvisioningStatus status() {
            return worker.status();
        }

        @Override
        public void reprovision() {
            worker.reprovision();
        }
    }
}
