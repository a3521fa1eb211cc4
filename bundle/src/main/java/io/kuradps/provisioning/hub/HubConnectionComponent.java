package io.kuradps.provisioning.hub;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.osgi.framework.ServiceReference;
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
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.HubLinkStatus;
import io.kuradps.provisioning.kura.KuraTopics;

/**
 * The hub link's Declarative Services component, named {@value HubConnectionConfig#PID} as its PID (which users see
 * in Kura and keep): wires {@link HubLink}, the core, to Kura's services and runs it on one thread of its own. It takes the assignment as any other bundle would, from the {@link DpsProvisioning}
 * service (its properties change with every assignment; the service going withdraws it), and the device's hub tokens
 * from {@link DeviceCredentials}, so the key stays with the provisioner. Kura's cloud connection components are bound
 * all (multiple, dynamic) and followed by their reference targets, as Kura wires them.
 * <p>
 * Like the provisioner, the configuration names service.pid: one declared here too would make Felix SCR 2.1.16
 * register a String[] that Kura's ConfigurationService cannot track.
 */
@Component(name = HubConnectionConfig.PID, configurationPid = HubConnectionConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = { ConfigurableComponent.class, EventHandler.class, HubLinkStatus.class },
        property = { ConfigurationService.KURA_SERVICE_PID + "=" + HubConnectionConfig.PID,
            EventConstants.EVENT_TOPIC + "=" + KuraTopics.KEYSTORE_CHANGED,
            EventConstants.EVENT_TOPIC + "=" + EventFence.TOPIC,
            EventConstants.EVENT_TOPIC + "=" + KuraTopics.CLOCK })
@Designate(ocd = HubConnectionConfig.class)
public final class HubConnectionComponent implements ConfigurableComponent, EventHandler, HubLinkStatus {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectionComponent.class);

    private final ServiceSet<DataService> dataServices = new ServiceSet<>();
    private final ServiceSet<DataTransportService> transports = new ServiceSet<>();
    private final ServiceSet<SslManagerService> sslManagers = new ServiceSet<>();
    private final ServiceSet<KeystoreService> keystores = new ServiceSet<>();

    private ConfigurationService configurationService;
    private DeviceCredentials credentials;
    private volatile DpsProvisioning provisioning;
    private volatile EventAdmin eventAdmin;
    private volatile ConfigurationAdmin configurationAdmin;
    private volatile CloudConnectionFactory rawMqttFactory;

    private volatile ScheduledExecutorService worker;
    /** The worker's thread: what the DataService tells on it is the result of the hub link's own calls. */
    private volatile Thread workerThread;
    private volatile String status = HubLink.State.DISABLED.name();
    private final EventFence fence = new EventFence(() -> eventAdmin);
    private TransportConnector connector;
    private HubLink link;
    /** The assignment the link was last given; read and written on the worker only. */
    private Assignment forwarded;

    @Activate
    void activate(HubConnectionConfig config) {
        connector = new TransportConnector(dataServices, transports, TransportConnector.SERVICE_WAIT,
                () -> Thread.currentThread() == workerThread, new TransportConnector.KuraConnection() {
                    @Override
                    public void lost(String cause, long connection) {
                        onWorker(() -> link.connectionLost(cause, connection));
                    }

                    @Override
                    public void disconnected(long connection) {
                        onWorker(() -> link.disconnectedByKura(connection));
                    }

                    @Override
                    public void established(long connection) {
                        onWorker(() -> link.connectedByKura(connection));
                    }
                });
        TransportTls tls = new TransportTls(configurationService, sslManagers, keystores, credentials.clock());
        KuraTransportServices kura = new KuraTransportServices(configurationService, () -> configurationAdmin,
                () -> rawMqttFactory, tls, fence, connector, this::requestProvisioning);
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kura-dps hub link");
            thread.setDaemon(true);
            workerThread = thread;
            return thread;
        });
        link = new HubLink(kura, credentials, this::post, credentials.clock(), this::schedule,
                new ReconnectBackoff(new SecureRandom()::nextDouble));
        onWorker(() -> configure(config));
        assignmentMayHaveChanged();
        LOG.info("Activated");
    }

    @Modified
    void modified(HubConnectionConfig config) {
        LOG.info("Configuration modified");
        onWorker(() -> configure(config));
    }

    @Deactivate
    void deactivate() {
        ScheduledExecutorService stopping = worker;
        worker = null;
        // Interrupts a bounded wait (a component, a fence, a connect) rather than sitting it out.
        stopping.shutdownNow();
        try {
            if (!stopping.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The hub link thread did not stop within {} s", STOP_TIMEOUT.getSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        connector.close();
        status = link.describe();
        LOG.info("Deactivated");
    }

    /** A keystore changed, Kura's clock service set the clock, or the link's own fence arrived. */
    @Override
    public void handleEvent(Event event) {
        if (KuraTopics.KEYSTORE_CHANGED.equals(event.getTopic())) {
            onWorker(() -> link.keystoreChanged());
        } else if (KuraTopics.CLOCK.equals(event.getTopic())) {
            onWorker(() -> link.clockSet());
        } else if (EventFence.TOPIC.equals(event.getTopic())) {
            fence.delivered(event);
        }
    }

    @Override
    public String describe() {
        return status;
    }

    // ---- references ------------------------------------------------------------------------------------------

    @Reference
    void setConfigurationService(ConfigurationService service) {
        configurationService = service;
    }

    @Reference
    void setCredentials(DeviceCredentials service) {
        credentials = service;
    }

    @Reference(name = "provisioning", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetProvisioning", updated = "updatedProvisioning")
    void setProvisioning(DpsProvisioning service) {
        provisioning = service;
        assignmentMayHaveChanged();
    }

    /** The provisioner sets its service properties at every assignment. */
    void updatedProvisioning(DpsProvisioning service) {
        assignmentMayHaveChanged();
    }

    void unsetProvisioning(DpsProvisioning service) {
        if (provisioning == service) {
            provisioning = null;
            assignmentMayHaveChanged();
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

    @Reference(name = "configurationAdmin", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetConfigurationAdmin")
    void setConfigurationAdmin(ConfigurationAdmin admin) {
        configurationAdmin = admin;
    }

    void unsetConfigurationAdmin(ConfigurationAdmin admin) {
        if (configurationAdmin == admin) {
            configurationAdmin = null;
        }
    }

    @Reference(name = "rawMqttFactory", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetRawMqttFactory",
            target = "(service.pid=" + HubConnectionConfig.RAW_MQTT_FACTORY_PID + ")")
    void setRawMqttFactory(CloudConnectionFactory factory) {
        rawMqttFactory = factory;
    }

    void unsetRawMqttFactory(CloudConnectionFactory factory) {
        if (rawMqttFactory == factory) {
            rawMqttFactory = null;
        }
    }

    @Reference(name = "dataService", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetDataService", updated = "updatedDataService")
    void setDataService(DataService service, ServiceReference<DataService> reference) {
        dataServices.bound(service, reference);
    }

    void updatedDataService(DataService service, ServiceReference<DataService> reference) {
        dataServices.updated(service, reference);
    }

    void unsetDataService(DataService service) {
        dataServices.unbound(service);
    }

    @Reference(name = "transport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetTransport", updated = "updatedTransport")
    void setTransport(DataTransportService service, ServiceReference<DataTransportService> reference) {
        transports.bound(service, reference);
    }

    void updatedTransport(DataTransportService service, ServiceReference<DataTransportService> reference) {
        transports.updated(service, reference);
    }

    void unsetTransport(DataTransportService service) {
        transports.unbound(service);
    }

    @Reference(name = "sslManager", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetSslManager", updated = "updatedSslManager")
    void setSslManager(SslManagerService service, ServiceReference<SslManagerService> reference) {
        sslManagers.bound(service, reference);
    }

    void updatedSslManager(SslManagerService service, ServiceReference<SslManagerService> reference) {
        sslManagers.updated(service, reference);
    }

    void unsetSslManager(SslManagerService service) {
        sslManagers.unbound(service);
    }

    @Reference(name = "keystore", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetKeystore", updated = "updatedKeystore")
    void setKeystore(KeystoreService service, ServiceReference<KeystoreService> reference) {
        keystores.bound(service, reference);
    }

    void updatedKeystore(KeystoreService service, ServiceReference<KeystoreService> reference) {
        keystores.updated(service, reference);
    }

    void unsetKeystore(KeystoreService service) {
        keystores.unbound(service);
    }

    // ---- the worker ------------------------------------------------------------------------------------------

    private void configure(HubConnectionConfig config) {
        try {
            link.configure(HubLinkSettings.from(config));
        } catch (HubConfigurationException e) {
            LOG.error("Invalid hub link configuration: {}", e.getMessage());
            link.invalidConfiguration(e.getMessage());
        }
    }

    /** Forwards the provisioner's assignment when it is another one than the link holds (equal ones are dropped). */
    private void assignmentMayHaveChanged() {
        onWorker(() -> {
            DpsProvisioning service = provisioning;
            Assignment current = service == null ? null : service.currentAssignment().orElse(null);
            if (!Objects.equals(current, forwarded)) {
                forwarded = current;
                link.assignment(current);
            }
        });
    }

    private void requestProvisioning() {
        DpsProvisioning service = provisioning;
        if (service != null) {
            service.reprovision();
        } else {
            EventAdmin admin = eventAdmin;
            if (admin != null) {
                admin.postEvent(new Event(ProvisioningEvents.TOPIC_REQUEST_PROVISION, Collections.emptyMap()));
            }
        }
    }

    private void onWorker(Runnable task) {
        ScheduledExecutorService executor = worker;
        if (executor == null) {
            return;
        }
        try {
            executor.execute(() -> run(task));
        } catch (RejectedExecutionException stopping) {
            LOG.debug("The hub link is stopping; a task was dropped");
        }
    }

    private Runnable schedule(Runnable task, Duration delay) {
        ScheduledExecutorService executor = worker;
        if (executor == null) {
            return () -> { };
        }
        try {
            ScheduledFuture<?> future = executor.schedule(() -> run(task), delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException stopping) {
            return () -> { };
        }
    }

    /** Runs a task of the link and publishes the state it leaves for dps:status. */
    private void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("The hub link failed", e);
        } finally {
            status = link.describe();
        }
    }

    /** The link's events; dps:status shows the state an event reports from the moment it is posted. */
    private void post(String topic, Map<String, Object> properties) {
        status = link.describe();
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }
}
