package io.kuradps.provisioning.device;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.metatype.AD;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.provisioning.api.device.DeviceTwin;
import io.kuradps.provisioning.api.device.DeviceTwinEvents;
import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.TwinProperties;
import io.kuradps.provisioning.iothub.DirectMethods;
import io.kuradps.provisioning.iothub.HubProtocolException;
import io.kuradps.provisioning.iothub.HubTopics;
import io.kuradps.provisioning.iothub.PropertyKind;
import io.kuradps.provisioning.iothub.ReceivedTopic;
import io.kuradps.provisioning.iothub.TwinBodies;
import io.kuradps.provisioning.iothub.TwinLimits;
import io.kuradps.provisioning.iothub.TwinSection;
import io.kuradps.provisioning.kura.HubLinkStatus;
import io.kuradps.provisioning.kura.TaskThread;

/**
 * The device twin and direct methods' Declarative Services component, {@value DeviceTwinConfig#PID}: the gateway
 * as an IoT Hub device over the one connection the hub link drives (IoT Hub takes one per device). It wires {@link
 * HubDevice} (the twin), {@link MethodCalls} (methods, with the whiteboard's {@link DirectMethodHandler}s and {@link
 * BuiltInMethods}) and {@link DataServiceLink} (the DataService) to Kura's services, runs the twin on one thread of
 * its own and handlers on a small pool, and is the {@link DeviceTwin} service. The transport it rides is the one
 * the hub link's events name ({@code transport.pid}), or, until one is heard, the hub link's configured one.
 * <p>
 * Like the provisioner and the hub link, it declares {@code kura.service.pid} and leaves service.pid to the
 * configuration: one declared here too would make Felix SCR 2.1.16 register a String[] that Kura's
 * ConfigurationService cannot track.
 */
@Component(name = DeviceTwinConfig.PID, configurationPid = DeviceTwinConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = { ConfigurableComponent.class, DeviceTwin.class, EventHandler.class },
        property = { ConfigurationService.KURA_SERVICE_PID + "=" + DeviceTwinConfig.PID,
            EventConstants.EVENT_TOPIC + "=" + HubConnectionEvents.TOPIC_ALL,
            EventConstants.EVENT_TOPIC + "=" + ProvisioningEvents.TOPIC_ALL })
@Designate(ocd = DeviceTwinConfig.class)
public final class DeviceTwinComponent implements ConfigurableComponent, DeviceTwin, EventHandler {

    /** The hub link's configuration property naming its transport (its form, hub.HubConnectionConfig). */
    static final String HUB_LINK_TRANSPORT_PROPERTY = "transport.service.pid";
    /** Handlers run at most this many at a time; a call waiting longer than its timeout is answered 504. */
    static final int METHOD_THREADS = 4;

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTwinComponent.class);

    private final Clock clock = Clock.systemUTC();
    private final ProvisioningOutcomes outcomes = new ProvisioningOutcomes();
    private final DataServiceLink link = new DataServiceLink(new LinkEvents());
    private final Map<ServiceReference<?>, String> protectedServices = new ConcurrentHashMap<>();
    private final MethodHandlers handlers;

    private volatile DpsProvisioning provisioning;
    private volatile EventAdmin eventAdmin;
    private volatile ConfigurationService configurationService;
    private volatile SystemService systemService;
    private volatile HubLinkStatus hubLinkStatus;

    private volatile TaskThread worker;
    private ExecutorService runners;
    private HubDevice device;
    private MethodCalls methods;
    private String bundleVersion;
    private volatile TwinProperties desired;
    private volatile TwinProperties reported;

    public DeviceTwinComponent() {
        handlers = new MethodHandlers(new BuiltInMethods(clock, () -> provisioning,
                () -> hubLinkStatus == null ? "not configured (PID " + HubLinkStatus.COMPONENT_PID + ")"
                        : hubLinkStatus.describe(),
                () -> device == null ? "not running" : device.describe(), outcomes).handlers());
    }

    @Activate
    void activate(BundleContext context, DeviceTwinConfig config) {
        bundleVersion = context.getBundle().getVersion().toString();
        runners = new ThreadPoolExecutor(METHOD_THREADS, METHOD_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<Runnable>(), numbered("kura-dps method-"));
        ((ThreadPoolExecutor) runners).allowCoreThreadTimeOut(true);
        device = new HubDevice(clock, new Random(), this::schedule, new KuraConfigurations(new KuraConfigurationAccess()),
                this::protectedPids, new TwinListener());
        methods = new MethodCalls(clock, handlers, runners, this::schedule, this::answer);
        // Last: a reference bound meanwhile hands work to the thread as soon as there is one, and finds the rest.
        worker = new TaskThread("kura-dps device twin", LOG);
        DeviceSettings settings = settings(config, DeviceSettings.defaults());
        onWorker(() -> {
            device.settings(settings);
            provisioningStateMayHaveChanged();
        });
        // Nothing is selected before: without a transport PID no DataService is (DS calls handleEvent only once
        // the component is active).
        link.transportPid(hubLinkTransportPid());
        LOG.info("Activated: {}", settings);
    }

    @Modified
    void modified(DeviceTwinConfig config) {
        DeviceSettings settings = settings(config, null);
        if (settings != null) {
            LOG.info("Configuration modified: {}", settings);
            onWorker(() -> device.settings(settings));
        }
    }

    @Deactivate
    void deactivate() {
        link.close();
        TaskThread stopping = worker;
        worker = null;
        runners.shutdownNow();
        try {
            if (!stopping.stop(STOP_TIMEOUT)
                    || !runners.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The device twin's threads did not stop within {} s", STOP_TIMEOUT.getSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Deactivated");
    }

    /** The hub link's events name its transport; the provisioner's end re-provisioning runs. */
    @Override
    public void handleEvent(Event event) {
        if (event.getTopic().startsWith(HubConnectionEvents.TOPIC_PREFIX)) {
            Object transport = event.getProperty(HubConnectionEvents.TRANSPORT_PID);
            if (transport instanceof String) {
                link.transportPid((String) transport);
            }
        } else {
            Map<String, Object> properties = new HashMap<>();
            for (String name : event.getPropertyNames()) {
                properties.put(name, event.getProperty(name));
            }
            outcomes.event(event.getTopic(), properties);
        }
    }

    // ---- DeviceTwin ---------------------------------------------------------------------------------------------

    @Override
    public Optional<TwinProperties> desired() {
        return Optional.ofNullable(desired);
    }

    @Override
    public Optional<TwinProperties> reported() {
        return Optional.ofNullable(reported);
    }

    @Override
    public void report(String name, String valueJson) {
        if (name == null || KURA_DPS.equals(name) || KURA_CONFIGURATION.equals(name)) {
            throw new IllegalArgumentException("name: " + name + " is " + (name == null ? "required"
                    : "reserved for this bundle"));
        }
        JsonNode value;
        try {
            value = valueJson == null ? null : TwinBodies.parseValue(valueJson, "valueJson");
            TwinLimits.checkSection(JsonNodeFactory.instance.objectNode().set(name,
                    value == null ? JsonNodeFactory.instance.nullNode() : value), "reported");
        } catch (HubProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        onWorker(() -> device.report(name, value));
    }

    // ---- references ---------------------------------------------------------------------------------------------

    @Reference(name = "provisioning", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetProvisioning", updated = "updatedProvisioning")
    void setProvisioning(DpsProvisioning service) {
        provisioning = service;
        onWorker(this::provisioningStateMayHaveChanged);
    }

    /** The provisioner sets its service properties at every assignment. */
    void updatedProvisioning(DpsProvisioning service) {
        onWorker(this::provisioningStateMayHaveChanged);
    }

    void unsetProvisioning(DpsProvisioning service) {
        if (provisioning == service) {
            provisioning = null;
            onWorker(this::provisioningStateMayHaveChanged);
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

    @Reference(name = "configurationService", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unsetConfigurationService")
    void setConfigurationService(ConfigurationService service) {
        configurationService = service;
        if (worker != null) {
            link.transportPid(hubLinkTransportPid());
        }
    }

    void unsetConfigurationService(ConfigurationService service) {
        if (configurationService == service) {
            configurationService = null;
        }
    }

    @Reference(name = "systemService", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetSystemService")
    void setSystemService(SystemService service) {
        systemService = service;
        onWorker(this::provisioningStateMayHaveChanged);
    }

    void unsetSystemService(SystemService service) {
        if (systemService == service) {
            systemService = null;
        }
    }

    @Reference(name = "hubLinkStatus", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetHubLinkStatus")
    void setHubLinkStatus(HubLinkStatus service) {
        hubLinkStatus = service;
    }

    void unsetHubLinkStatus(HubLinkStatus service) {
        if (hubLinkStatus == service) {
            hubLinkStatus = null;
        }
    }

    @Reference(name = "methodHandler", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetMethodHandler")
    void setMethodHandler(DirectMethodHandler handler, ServiceReference<DirectMethodHandler> reference) {
        handlers.added(handler, reference);
    }

    void unsetMethodHandler(DirectMethodHandler handler, ServiceReference<DirectMethodHandler> reference) {
        handlers.removed(reference);
    }

    @Reference(name = "dataService", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetDataService", updated = "updatedDataService")
    void setDataService(DataService service, ServiceReference<DataService> reference) {
        link.dataServiceBound(service, reference);
    }

    /** Its transport target may have changed: choose again. */
    void updatedDataService(DataService service, ServiceReference<DataService> reference) {
        link.dataServiceBound(service, reference);
    }

    void unsetDataService(DataService service) {
        link.dataServiceUnbound(service);
    }

    @Reference(name = "transport", service = DataTransportService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unsetTransport", updated = "setTransport")
    void setTransport(ServiceReference<DataTransportService> reference) {
        link.transportBound(reference);
    }

    void unsetTransport(ServiceReference<DataTransportService> reference) {
        link.transportUnbound(reference);
    }

    @Reference(name = "sslManager", service = SslManagerService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unsetProtected")
    void setSslManager(ServiceReference<SslManagerService> reference) {
        protect(reference);
    }

    @Reference(name = "keystore", service = KeystoreService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "unsetProtected")
    void setKeystore(ServiceReference<KeystoreService> reference) {
        protect(reference);
    }

    void unsetProtected(ServiceReference<?> reference) {
        protectedServices.remove(reference);
    }

    // ---- the worker ---------------------------------------------------------------------------------------------

    /** The configuration's settings, or {@code otherwise} (null: keep those in force) when it is invalid. */
    private static DeviceSettings settings(DeviceTwinConfig config, DeviceSettings otherwise) {
        try {
            return DeviceSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid device twin configuration ({}); {}", e.getMessage(),
                    otherwise == null ? "the one in force stays" : "the defaults apply");
            return otherwise;
        }
    }

    private void provisioningStateMayHaveChanged() {
        DpsProvisioning service = provisioning;
        SystemService system = systemService;
        device.provisioningState(ProvisioningJson.reported(
                service == null ? null : service.currentAssignment().orElse(null), bundleVersion,
                system == null ? null : system.getKuraVersion()));
    }

    /** The transport the hub link is configured to drive, while none of its events named one. */
    private String hubLinkTransportPid() {
        ConfigurationService service = configurationService;
        if (service == null) {
            return null;
        }
        try {
            ComponentConfiguration hubLink = service.getComponentConfiguration(HubLinkStatus.COMPONENT_PID);
            Object pid = hubLink == null || hubLink.getConfigurationProperties() == null ? null
                    : hubLink.getConfigurationProperties().get(HUB_LINK_TRANSPORT_PROPERTY);
            return pid instanceof String && !((String) pid).trim().isEmpty() ? ((String) pid).trim() : null;
        } catch (Exception e) {
            LOG.debug("Kura does not give the hub link's configuration", e);
            return null;
        }
    }

    private void protect(ServiceReference<?> reference) {
        Object pid = reference.getProperty(ConfigurationService.KURA_SERVICE_PID);
        if (pid != null) {
            protectedServices.put(reference, String.valueOf(pid));
        }
    }

    /** The hub link's transport and DataService, every SslManagerService and KeystoreService. */
    private Set<String> protectedPids() {
        Set<String> pids = new LinkedHashSet<>(protectedServices.values());
        if (link.transportPid() != null) {
            pids.add(link.transportPid());
        }
        if (link.dataServicePid() != null) {
            pids.add(link.dataServicePid());
        }
        return pids;
    }

    /** A method's answer, from whichever thread settled the call. */
    private void answer(DirectMethods.Answer answer) {
        try {
            link.publish(answer.topic(), answer.body());
        } catch (Exception e) {
            LOG.warn("The answer {} could not be published: {}", answer, e.getMessage());
        }
    }

    private void onWorker(Runnable task) {
        TaskThread thread = worker;
        if (thread != null) {
            thread.execute(task);
        }
    }

    private Runnable schedule(Runnable task, Duration delay) {
        TaskThread thread = worker;
        return thread == null ? () -> { } : thread.schedule(task, delay);
    }

    private static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** What the selected DataService tells: connections to the twin, method calls to their handlers. */
    private final class LinkEvents implements DataServiceLink.Events {
        @Override
        public void established() {
            onWorker(() -> device.connected(link));
        }

        @Override
        public void gone() {
            onWorker(() -> device.disconnected());
        }

        @Override
        public void message(String topic, byte[] payload) {
            ReceivedTopic received;
            try {
                received = HubTopics.parse(topic);
            } catch (HubProtocolException e) {
                return;
            }
            if (received instanceof ReceivedTopic.MethodCall) {
                MethodCalls calls = methods;
                if (calls != null) {
                    calls.call((ReceivedTopic.MethodCall) received, payload);
                }
            } else if (received instanceof ReceivedTopic.TwinResponse
                    || received instanceof ReceivedTopic.DesiredUpdate) {
                onWorker(() -> device.messageArrived(topic, payload));
            }
        }
    }

    /** What the twin holds, for the DeviceTwin service and the desired-property events. */
    private final class TwinListener implements HubDevice.Listener {
        @Override
        public void desiredChanged(TwinSection section, TwinSection patch) {
            desired = new TwinProperties(section.json(), section.version());
            EventAdmin admin = eventAdmin;
            if (admin == null) {
                return;
            }
            Map<String, Object> properties = new HashMap<>();
            properties.put(DeviceTwinEvents.DESIRED, section.json());
            properties.put(DeviceTwinEvents.VERSION, section.version());
            properties.put(DeviceTwinEvents.FULL, patch == null);
            if (patch != null) {
                properties.put(DeviceTwinEvents.PATCH, patch.json());
            }
            properties.put(DeviceTwinEvents.TIMESTAMP, clock.millis());
            admin.postEvent(new Event(DeviceTwinEvents.TOPIC_DESIRED, properties));
        }

        @Override
        public void reportedHeld(TwinSection section) {
            reported = new TwinProperties(section.json(), section.version());
        }
    }

    /** Kura's ConfigurationService for the desired configuration; without one Kura tracks nothing. */
    private final class KuraConfigurationAccess implements KuraConfigurations.Kura {
        @Override
        public Map<String, PropertyKind> definition(String pid) {
            ConfigurationService service = configurationService;
            if (service == null) {
                return null;
            }
            try {
                ComponentConfiguration configuration = service.getComponentConfiguration(pid);
                if (configuration == null) {
                    return null;
                }
                Map<String, PropertyKind> kinds = new HashMap<>();
                if (configuration.getDefinition() != null && configuration.getDefinition().getAD() != null) {
                    for (AD ad : configuration.getDefinition().getAD()) {
                        kinds.put(ad.getId(), PropertyKind.of(ad.getType().name()));
                    }
                }
                return kinds;
            } catch (Exception e) {
                LOG.warn("Kura's configuration of {} could not be read: {}", pid, e.toString());
                return null;
            }
        }

        @Override
        public Map<String, Object> current(String pid) throws Exception {
            ConfigurationService service = configurationService;
            ComponentConfiguration configuration = service == null ? null : service.getComponentConfiguration(pid);
            return configuration == null || configuration.getConfigurationProperties() == null
                    ? Collections.<String, Object>emptyMap() : configuration.getConfigurationProperties();
        }

        @Override
        public void update(String pid, Map<String, Object> properties) throws Exception {
            ConfigurationService service = configurationService;
            if (service == null) {
                throw new IllegalStateException("Kura's ConfigurationService has gone");
            }
            service.updateConfiguration(pid, properties, true);
        }
    }
}
