package io.kuradps.provisioning.component;

import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.security.SecureRandom;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
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

    private volatile CryptoService cryptoService;
    /** Static: fixed for one activation (see {@link #setSystemService}); null without one. */
    private SystemService systemService;
    private volatile EventAdmin eventAdmin;

    private final Object registrationLock = new Object();
    private ServiceRegistration<DpsProvisioning> registration;
    /** The hub link's handle on the device key; see {@link DeviceCredentials}. */
    private ServiceRegistration<DeviceCredentials> credentialsRegistration;
    private ProvisioningWorker worker;
    private ServiceClock serviceClock;

    /** The last configuration DS gave us, kept to decrypt it again when a CryptoService arrives. */
    private final Object configLock = new Object();
    private DpsProvisionerConfig rawConfig;

    @Activate
    void activate(BundleContext context, DpsProvisionerConfig config, Map<String, Object> properties) {
        long started = System.nanoTime();
        Clock clock = clock(properties.get(CLOCK_OFFSET_SECONDS));
        serviceClock = new ServiceClock(clock);
        worker = new ProvisioningWorker(CacheLocation.store(systemService, context),
                new DpsRegistrar(new KuraKeystores(context), serviceClock), new Output(), clock,
                new SecureRandom()::nextDouble, FIRST_PAUSE, new WorkerThread("kura-dps-provisioner"));
        synchronized (registrationLock) {
            registration = context.registerService(DpsProvisioning.class, new Service(), serviceProperties(null));
            credentialsRegistration = context.registerService(DeviceCredentials.class,
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
        synchronized (configLock) {
            rawConfig = null;
        }
        try {
            if (!worker.close(STOP_TIMEOUT)) {
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
     * values decrypt to what was used, the identity is unchanged and nothing restarts.
     */
    @Reference(name = "cryptoService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetCryptoService")
    void setCryptoService(CryptoService crypto) {
        synchronized (configLock) {
            cryptoService = crypto;
            if (rawConfig != null) {
                LOG.info("A CryptoService is bound; decrypting the configuration again");
                configure(rawConfig);
            }
        }
    }

    /** The values already decrypted stay in force: without a CryptoService they would not decrypt at all. */
    void unsetCryptoService(CryptoService crypto) {
        if (cryptoService == crypto) {
            cryptoService = null;
        }
    }

    /**
     * Kura's SystemService gives the data directory the cache lives in and the values of registration id
     * templates. Optional, so activation never waits for it; static and greedy, so one that appears after
     * activation (Kura registers it early, but DS gives no order) or a better-ranked one makes DS activate the
     * component again, which moves the cache to it and resolves the registration id anew. Both are fixed for an
     * activation, as the cache's place and the id it is keyed by must be.
     */
    @Reference(name = "systemService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.STATIC, policyOption = ReferencePolicyOption.GREEDY)
    void setSystemService(SystemService system) {
        systemService = system;
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
                worker.apply(ProvisioningConfig.from(config, cryptoService,
                        configured -> RegistrationIdTemplate.resolve(configured, systemService)));
            } catch (InvalidConfigurationException e) {
                worker.reject(e);
            }
        }
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
