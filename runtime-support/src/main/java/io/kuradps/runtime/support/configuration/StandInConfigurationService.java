package io.kuradps.runtime.support.configuration;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.KuraConfigReadyEvent;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.system.SystemService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's ConfigurationService for a runtime without Kura, behaving as Kura 5.0's ConfigurationServiceImpl does
 * where that matters to a component that configures another (runtime-support/README.md lists each fact and its
 * source):
 * <ul>
 * <li>a PID is <em>tracked</em> once a ConfigurableComponent service with that kura.service.pid (and a service.pid)
 * is registered, or once {@link #createFactoryConfiguration} made it; an update of an untracked PID, or of one
 * without a metatype definition, returns without error and is lost;</li>
 * <li>an update merges defaults, the running configuration and the given values; only {@code Password} values are
 * encrypted (a secret given as a String is stored in clear); {@link #getComponentConfiguration} hands them back
 * decrypted, as Password objects;</li>
 * <li>the metatype defaults (Password ones encrypted) and kura.service.pid are seeded into ConfigAdmin for every
 * non-factory PID of an ACTIVE bundle's metatype, so that a component requiring its configuration starts;</li>
 * <li>snapshots are files in Kura's snapshot directory, each encrypted as one blob; at start the newest is pushed
 * into ConfigAdmin, factory configurations re-created from it, so a value written without a snapshot is back to
 * its snapshot value after a restart.</li>
 * </ul>
 * As in Kura it posts no {@code org/eclipse/kura/configuration/ConfigEvent/READY}: Kura's web console does, and
 * only when the web UI is on; {@value #READY_PROPERTY}=true stands for such a console ({@link WebConsoleReady}).
 * Where it differs: when restoring finds a factory configuration with that
 * kura.service.pid already in ConfigAdmin (a framework that kept its storage) it updates it rather than creating a
 * second one; properties are not validated against the metatype (kura.md: that is a FIXME in Kura);
 * SelfConfiguringComponents are not tracked.
 */
@Component(name = StandInConfigurationService.COMPONENT_NAME, enabled = false, immediate = true,
        service = ConfigurationService.class,
        property = Constants.SERVICE_PID + "=" + StandInConfigurationService.COMPONENT_NAME)
public final class StandInConfigurationService implements ConfigurationService {

    /** Kura's component name and service.pid. */
    public static final String COMPONENT_NAME = "org.eclipse.kura.configuration.ConfigurationService";
    /**
     * Framework property: {@code true} for a Kura with its web UI on, whose web console posts READY after the
     * add-ons have started; otherwise (a headless Kura) no READY at all.
     */
    public static final String READY_PROPERTY = "kuradps.standin.configuration.ready";
    /**
     * When Kura's boot re-write reached an add-on's component in real Kura 5.5: about 200 ms after its activation
     * (kura.md, "Measured in real Kura 5.5", fact 1), by which time the hub link had written its transport.
     */
    static final long REWRITE_AFTER_ACTIVATION_MILLIS = 200;
    /** Where snapshots go when the SystemService names no snapshot directory: this under Kura's data directory. */
    public static final String SNAPSHOTS_UNDER_DATA_DIRECTORY = "snapshots";

    private static final Logger LOG = LoggerFactory.getLogger(StandInConfigurationService.class);

    @Reference
    private ConfigurationAdmin configurationAdmin;
    @Reference
    private MetaTypeService metaTypeService;
    @Reference
    private CryptoService cryptoService;
    @Reference
    private EventAdmin eventAdmin;
    @Reference
    private SystemService systemService;

    private ConfigurationStore store;
    private PropertyValues values;
    private Snapshots snapshots;
    private Consumer<Event> events;
    private Function<Filter, List<String>> pidsOfServicesMatching;
    private BundleTracker<Bundle> metatypeTracker;
    private WebConsoleReady webConsole;
    /**
     * Where the writes of Kura's registerComponentOCD for an add-on's bundle run: on a thread of their own,
     * {@value #REWRITE_AFTER_ACTIVATION_MILLIS} ms after the bundle became ACTIVE, each once the component of that
     * PID (if one is registered) has activated, so that it gets them as a modified, as an add-on's component does on
     * Kura (fact 1). Without a framework: at once.
     */
    private Executor rewrites = Runnable::run;
    private ScheduledExecutorService rewriteThread;
    private Consumer<String> awaitActivated = pid -> {
    };
    /** The bundle of these stand-ins, whose metatype Kura's ConfigurationService reads as it starts. */
    private Bundle ownBundle;

    /** kura.service.pid to where its configuration lives. */
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    /** Metatype definitions by their Designate's pid or factoryPid. */
    private final Map<String, ObjectClassDefinition> definitions = new HashMap<>();
    private final Set<String> factoryPids = new HashSet<>();
    private final Set<String> pendingDeletes = new HashSet<>();
    /** ConfigurableComponents registered before activation, tracked once it runs. */
    private final List<ServiceReference<ConfigurableComponent>> earlyComponents = new ArrayList<>();
    private boolean started;

    /** For Declarative Services. */
    public StandInConfigurationService() {
    }

    /** Without a framework: the given store, crypto, snapshots and event sink. */
    StandInConfigurationService(ConfigurationStore store, CryptoService crypto, Snapshots snapshots,
            Consumer<Event> events) {
        this.store = store;
        this.cryptoService = crypto;
        this.values = new PropertyValues(crypto);
        this.snapshots = snapshots;
        this.events = events;
        this.pidsOfServicesMatching = filter -> Collections.emptyList();
    }

    @Activate
    void activate(BundleContext context) throws KuraException {
        this.store = new ConfigAdminStore(this.configurationAdmin);
        this.values = new PropertyValues(this.cryptoService);
        this.snapshots = new Snapshots(snapshotDirectory(), this.systemService.getKuraSnapshotsCount(),
                this.cryptoService, System::currentTimeMillis);
        this.events = this.eventAdmin::postEvent;
        this.pidsOfServicesMatching = filter -> kuraPidsOfServices(context, filter);
        ScheduledExecutorService rewriter = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "Kura configuration re-write");
            thread.setDaemon(true);
            return thread;
        });
        this.rewriteThread = rewriter;
        this.rewrites = task -> rewriter.schedule(task, REWRITE_AFTER_ACTIVATION_MILLIS, TimeUnit.MILLISECONDS);
        this.awaitActivated = pid -> activate(context, pid);
        this.ownBundle = context.getBundle();
        MetatypeReader metatypes = new MetatypeReader();
        // Kura's own definitions (the stand-ins' bundle) are known before the snapshot is restored: each restored
        // factory instance is written again as it is created (registerComponentConfiguration, fact 1), before its
        // component reads it, so the re-write does not rebuild a transport that comes up before its
        // SslManagerService; that one stays without a configuration, as Kura's did in 5 of 7 restarts (issue 23).
        metatypes.read(this.ownBundle).forEach(this::seed);
        try {
            start();
        } catch (KuraException | RuntimeException e) {
            // SCR would only hand this to a LogService, which a bare framework does not print.
            LOG.error("Stand-in ConfigurationService cannot restore the snapshot: {}", e.getMessage());
            throw e;
        }
        this.metatypeTracker = new BundleTracker<>(context, Bundle.ACTIVE, metatypes);
        this.metatypeTracker.open();
        if (Boolean.parseBoolean(context.getProperty(READY_PROPERTY))) {
            this.webConsole = WebConsoleReady.postOnceStarted(context, this::postReady);
        }
        LOG.info("Stand-in ConfigurationService: snapshots in {}", this.snapshots.directory());
    }

    @Deactivate
    void deactivate() {
        if (this.webConsole != null) {
            this.webConsole.close();
        }
        if (this.metatypeTracker != null) {
            this.metatypeTracker.close();
        }
        if (this.rewriteThread != null) {
            this.rewriteThread.shutdownNow();
        }
    }

    /** Gets (and so waits for the activation of) every ConfigurableComponent registered with that kura.service.pid. */
    private static void activate(BundleContext context, String kuraPid) {
        try {
            ServiceReference<?>[] references = context.getServiceReferences(ConfigurableComponent.class.getName(),
                    "(" + KURA_SERVICE_PID + "=" + ConfigAdminStore.escape(kuraPid) + ")");
            for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
                if (context.getService(reference) != null) {
                    context.ungetService(reference);
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            LOG.debug("Cannot wait for {} to activate: {}", kuraPid, e.getMessage());
        }
    }

    private Path snapshotDirectory() {
        String snapshotsDirectory = this.systemService.getKuraSnapshotsDirectory();
        if (snapshotsDirectory != null) {
            return Paths.get(snapshotsDirectory);
        }
        String dataDirectory = this.systemService.getKuraDataDirectory();
        if (dataDirectory == null) {
            throw new IllegalStateException("the stand-in ConfigurationService keeps snapshots under Kura's data "
                    + "directory, and the SystemService names none (set " + SystemService.KEY_KURA_DATA_DIR + " or "
                    + SystemService.KEY_KURA_SNAPSHOTS_DIR + ")");
        }
        return Paths.get(dataDirectory, SNAPSHOTS_UNDER_DATA_DIRECTORY);
    }

    /** Pushes the newest snapshot into ConfigAdmin, then tracks what arrived early. */
    synchronized void start() throws KuraException {
        for (ComponentConfiguration configuration : currentConfigurations(null)) {
            restore(configuration);
        }
        this.started = true;
        for (ServiceReference<ConfigurableComponent> reference : this.earlyComponents) {
            addConfigurableComponent(reference);
        }
        this.earlyComponents.clear();
    }

    /** Kura's READY, as its web console posts it. */
    void postReady() {
        this.events.accept(new KuraConfigReadyEvent(Collections.<String, Object>emptyMap()));
    }

    private void restore(ComponentConfiguration configuration) {
        Map<String, Object> properties = configuration.getConfigurationProperties();
        if (properties == null) {
            return;
        }
        String pid = configuration.getPid();
        Object factoryPid = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        try {
            if (factoryPid != null) {
                Optional<String> existing = this.store.findFactoryConfiguration(pid);
                if (existing.isPresent()) {
                    this.store.write(existing.get(), withKuraPid(pid, PropertyValues.forStore(properties)));
                    track(pid, existing.get(), factoryPid.toString());
                } else {
                    createFactoryConfiguration(factoryPid.toString(), pid, properties, false);
                }
            } else {
                this.store.write(pid, withKuraPid(pid, PropertyValues.forStore(properties)));
            }
        } catch (IOException | KuraException e) {
            LOG.warn("Cannot restore the configuration of {} from the snapshot: {}", pid, e.getMessage());
        }
    }

    // ---- tracking -------------------------------------------------------------------------------------------

    @Reference(service = ConfigurableComponent.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeConfigurableComponent")
    synchronized void addConfigurableComponent(ServiceReference<ConfigurableComponent> reference) {
        if (!this.started) {
            this.earlyComponents.add(reference);
            return;
        }
        Object servicePid = reference.getProperty(Constants.SERVICE_PID);
        Object kuraPid = reference.getProperty(KURA_SERVICE_PID);
        Object factoryPid = reference.getProperty(ConfigurationAdmin.SERVICE_FACTORYPID);
        if (servicePid != null && kuraPid != null) {
            track(kuraPid.toString(), servicePid.toString(), factoryPid == null ? null : factoryPid.toString());
        }
    }

    synchronized void removeConfigurableComponent(ServiceReference<ConfigurableComponent> reference) {
        this.earlyComponents.remove(reference);
        Object kuraPid = reference.getProperty(KURA_SERVICE_PID);
        if (kuraPid != null && reference.getProperty(Constants.SERVICE_PID) != null) {
            this.tracked.remove(kuraPid.toString());
        }
    }

    /** As Kura's registerComponentConfiguration: a PID tracked already keeps where it was found first. */
    synchronized void track(String kuraPid, String servicePid, String factoryPid) {
        if (this.tracked.containsKey(kuraPid)) {
            return;
        }
        this.tracked.put(kuraPid, new Tracked(servicePid, factoryPid));
        ObjectClassDefinition factoryDefinition = factoryPid == null ? null : this.definitions.get(factoryPid);
        if (factoryDefinition != null) {
            seedDefaults(kuraPid, servicePid, factoryDefinition);
        }
        LOG.debug("Tracking {} (service.pid {})", kuraPid, servicePid);
    }

    /**
     * As Kura's registerComponentOCD: remembers the definition and seeds ConfigAdmin with its defaults, for the
     * PID itself or, for a factory, for each tracked instance of it.
     */
    void registerDefinition(String metatypePid, ObjectClassDefinition definition, boolean factory) {
        for (Seed seed : define(metatypePid, definition, factory)) {
            seed(seed);
        }
    }

    /** Remembers the definition; returns the configurations to seed with it, which Kura writes at once. */
    private synchronized List<Seed> define(String metatypePid, ObjectClassDefinition definition, boolean factory) {
        this.definitions.put(metatypePid, definition);
        List<Seed> seeds = new ArrayList<>();
        if (factory) {
            this.factoryPids.add(metatypePid);
            for (Map.Entry<String, Tracked> instance : this.tracked.entrySet()) {
                if (metatypePid.equals(instance.getValue().factoryPid)) {
                    seeds.add(new Seed(instance.getKey(), definition, true));
                }
            }
        } else {
            seeds.add(new Seed(metatypePid, definition, false));
        }
        return seeds;
    }

    /** A factory instance deleted meanwhile is not written again. */
    private synchronized void seed(Seed seed) {
        Tracked where = this.tracked.get(seed.kuraPid);
        if (where == null && seed.factoryInstance) {
            return;
        }
        seedDefaults(seed.kuraPid, where == null ? seed.kuraPid : where.servicePid, seed.definition);
    }

    /** As Kura's updateWithDefaultConfiguration: written every time, even when nothing is missing. */
    private void seedDefaults(String kuraPid, String servicePid, ObjectClassDefinition definition) {
        try {
            Map<String, Object> stored = this.store.read(servicePid);
            Map<String, Object> merged = new HashMap<>(this.values.defaults(definition));
            if (stored != null) {
                merged.putAll(PropertyValues.withPasswords(stored, definition));
            }
            merged.putIfAbsent(KURA_SERVICE_PID, kuraPid);
            this.store.write(servicePid, PropertyValues.forStore(merged));
        } catch (IOException e) {
            LOG.warn("Cannot seed the defaults of {}: {}", kuraPid, e.getMessage());
        }
    }

    // ---- reading --------------------------------------------------------------------------------------------

    @Override
    public synchronized Set<String> getConfigurableComponentPids() {
        return Collections.unmodifiableSet(new HashSet<>(this.tracked.keySet()));
    }

    @Override
    public synchronized Set<String> getFactoryComponentPids() {
        return Collections.unmodifiableSet(new HashSet<>(this.factoryPids));
    }

    /** Password values encrypted, as Kura's list form returns them. */
    @Override
    public synchronized List<ComponentConfiguration> getComponentConfigurations() throws KuraException {
        List<ComponentConfiguration> configurations = new ArrayList<>();
        for (String pid : new ArrayList<>(this.tracked.keySet())) {
            ComponentConfiguration configuration = storedConfiguration(pid);
            if (configuration != null) {
                configurations.add(configuration);
            }
        }
        return configurations;
    }

    @Override
    public synchronized List<ComponentConfiguration> getComponentConfigurations(Filter filter) throws KuraException {
        if (filter == null) {
            return getComponentConfigurations();
        }
        List<ComponentConfiguration> configurations = new ArrayList<>();
        for (String pid : this.pidsOfServicesMatching.apply(filter)) {
            ComponentConfiguration configuration = storedConfiguration(pid);
            if (configuration != null) {
                configurations.add(configuration);
            }
        }
        return configurations;
    }

    /** Null for an untracked PID; Password values decrypted, as {@code Password} objects, as Kura returns them. */
    @Override
    public synchronized ComponentConfiguration getComponentConfiguration(String pid) throws KuraException {
        ComponentConfiguration stored = storedConfiguration(pid);
        if (stored == null || stored.getConfigurationProperties() == null) {
            return stored;
        }
        return new StandInComponentConfiguration(pid, stored.getDefinition(),
                this.values.decrypted(stored.getConfigurationProperties()));
    }

    @Override
    public synchronized ComponentConfiguration getDefaultComponentConfiguration(String pid) throws KuraException {
        ObjectClassDefinition definition = definitionOf(pid);
        return new StandInComponentConfiguration(pid, definition == null ? null : KuraDefinition.of(definition),
                this.values.defaults(definition));
    }

    /** Kura's getConfigurableComponentConfiguration: Password values as stored (encrypted). */
    private ComponentConfiguration storedConfiguration(String pid) throws KuraException {
        Tracked where = this.tracked.get(pid);
        if (where == null) {
            return null;
        }
        ObjectClassDefinition definition = definitionOf(pid);
        try {
            Map<String, Object> stored = this.store.read(where.servicePid);
            return new StandInComponentConfiguration(pid, definition == null ? null : KuraDefinition.of(definition),
                    stored == null ? null : PropertyValues.withPasswords(stored, definition));
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_ERROR, e, pid);
        }
    }

    private ObjectClassDefinition definitionOf(String pid) {
        Tracked where = this.tracked.get(pid);
        ObjectClassDefinition definition = where == null || where.factoryPid == null ? null
                : this.definitions.get(where.factoryPid);
        return definition != null ? definition : this.definitions.get(pid);
    }

    // ---- updating -------------------------------------------------------------------------------------------

    @Override
    public void updateConfiguration(String pid, Map<String, Object> properties) throws KuraException {
        updateConfiguration(pid, properties, true);
    }

    @Override
    public void updateConfiguration(String pid, Map<String, Object> properties, boolean takeSnapshot)
            throws KuraException {
        updateConfigurations(Collections.<ComponentConfiguration>singletonList(
                new StandInComponentConfiguration(pid, null, properties)), takeSnapshot);
    }

    @Override
    public void updateConfigurations(List<ComponentConfiguration> configurations) throws KuraException {
        updateConfigurations(configurations, true);
    }

    @Override
    public synchronized void updateConfigurations(List<ComponentConfiguration> configurations, boolean takeSnapshot)
            throws KuraException {
        List<ComponentConfiguration> updates = new ArrayList<>();
        for (ComponentConfiguration configuration : configurations) {
            if (configuration != null) {
                updates.add(new StandInComponentConfiguration(configuration.getPid(), configuration.getDefinition(),
                        configuration.getConfigurationProperties() == null ? null
                                : this.values.encrypted(configuration.getConfigurationProperties())));
            }
        }
        List<ComponentConfiguration> current = currentConfigurations(updates);
        List<Throwable> failures = new ArrayList<>();
        for (ComponentConfiguration configuration : current) {
            for (ComponentConfiguration update : updates) {
                if (configuration.getPid().equals(update.getPid())) {
                    try {
                        apply(configuration.getPid(), configuration.getConfigurationProperties(), false);
                    } catch (KuraException e) {
                        LOG.warn("Cannot update {}: {}", configuration.getPid(), e.getMessage());
                        failures.add(e);
                    }
                    break;
                }
            }
        }
        // As in Kura: a configuration naming a factory, for a PID not tracked yet, creates that instance.
        for (ComponentConfiguration update : updates) {
            Map<String, Object> properties = update.getConfigurationProperties();
            Object factoryPid = properties == null ? null : properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
            if (factoryPid != null && !this.tracked.containsKey(update.getPid())) {
                try {
                    createFactoryConfiguration(factoryPid.toString(), update.getPid(), properties, false);
                    current.add(update);
                } catch (KuraException e) {
                    LOG.warn("Cannot create {} of factory {}: {}", update.getPid(), factoryPid, e.getMessage());
                }
            }
        }
        if (takeSnapshot && !current.isEmpty()) {
            saveSnapshot(current);
        }
        if (!failures.isEmpty()) {
            throw new KuraException(KuraErrorCode.PARTIAL_SUCCESS, failures.get(0), "updateConfigurations");
        }
    }

    /**
     * Kura's updateConfigurationInternal (running values kept) and rollbackConfigurationInternal (only defaults
     * and the given values): ignored, with only a log line, for an untracked PID or one without a definition.
     */
    private void apply(String pid, Map<String, Object> properties, boolean fromDefaultsOnly) throws KuraException {
        Tracked where = this.tracked.get(pid);
        if (where == null) {
            LOG.info("Update ignored: {} is not tracked", pid);
            return;
        }
        ObjectClassDefinition definition = definitionOf(pid);
        if (properties == null || definition == null) {
            LOG.info("Update ignored: {} has {}", pid, properties == null ? "no properties" : "no definition");
            return;
        }
        try {
            Map<String, Object> merged = new HashMap<>(this.values.defaults(definition));
            Map<String, Object> running = this.store.read(where.servicePid);
            if (!fromDefaultsOnly && running != null) {
                merged.putAll(PropertyValues.withPasswords(running, definition));
            }
            merged.putAll(properties);
            merged.putIfAbsent(KURA_SERVICE_PID, pid);
            this.store.write(where.servicePid, PropertyValues.forStore(merged));
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_UPDATE, e, pid);
        }
    }

    @Override
    public synchronized void createFactoryConfiguration(String factoryPid, String pid, Map<String, Object> properties,
            boolean takeSnapshot) throws KuraException {
        if (pid == null) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "pid cannot be null");
        }
        if (this.tracked.containsKey(pid)) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "pid " + pid + " already exists");
        }
        try {
            String servicePid = this.store.createFactoryConfiguration(factoryPid);
            // As in Kura: defaults fill what is missing; the given values are not encrypted here.
            Map<String, Object> merged = new HashMap<>(this.values.defaults(this.definitions.get(factoryPid)));
            if (properties != null) {
                merged.putAll(properties);
            }
            merged.put(KURA_SERVICE_PID, pid);
            this.store.write(servicePid, PropertyValues.forStore(merged));
            track(pid, servicePid, factoryPid);
            this.pendingDeletes.remove(pid);
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_ERROR, e,
                    "Cannot create component instance for factory " + factoryPid);
        }
        if (takeSnapshot) {
            snapshot();
        }
    }

    @Override
    public synchronized void deleteFactoryConfiguration(String pid, boolean takeSnapshot) throws KuraException {
        if (pid == null) {
            throw new KuraException(KuraErrorCode.INVALID_PARAMETER, "pid cannot be null");
        }
        try {
            Optional<String> servicePid = this.store.findFactoryConfiguration(pid);
            if (!servicePid.isPresent()) {
                LOG.warn("{} does not exist or is not a factory component", pid);
                return;
            }
            this.store.delete(servicePid.get());
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_ERROR, e, "Cannot delete component instance " + pid);
        }
        this.tracked.remove(pid);
        this.pendingDeletes.add(pid);
        if (takeSnapshot) {
            snapshot();
        }
    }

    // ---- snapshots ------------------------------------------------------------------------------------------

    @Override
    public synchronized long snapshot() throws KuraException {
        return saveSnapshot(currentConfigurations(null));
    }

    private long saveSnapshot(List<ComponentConfiguration> configurations) throws KuraException {
        long id = this.snapshots.write(configurations);
        this.pendingDeletes.clear();
        return id;
    }

    @Override
    public Set<Long> getSnapshots() throws KuraException {
        return this.snapshots.ids();
    }

    /** Password values decrypted, as Kura returns them. */
    @Override
    public List<ComponentConfiguration> getSnapshot(long sid) throws KuraException {
        List<ComponentConfiguration> decrypted = new ArrayList<>();
        for (ComponentConfiguration configuration : this.snapshots.read(sid)) {
            decrypted.add(new StandInComponentConfiguration(configuration.getPid(), null,
                    this.values.decrypted(configuration.getConfigurationProperties())));
        }
        return decrypted;
    }

    @Override
    public synchronized long rollback() throws KuraException {
        List<Long> ids = new ArrayList<>(this.snapshots.ids());
        if (ids.size() < 2) {
            throw new KuraException(KuraErrorCode.CONFIGURATION_SNAPSHOT_NOT_FOUND, "No Snapshot Available");
        }
        long id = ids.get(ids.size() - 2);
        rollback(id);
        return id;
    }

    /**
     * As Kura: every factory instance is deleted and those of the snapshot re-created, each tracked PID gets the
     * snapshot's values over its defaults (only its defaults when the snapshot lacks it), and the snapshot is
     * copied as the newest.
     */
    @Override
    public synchronized void rollback(long id) throws KuraException {
        List<ComponentConfiguration> configurations = this.snapshots.read(id);
        List<Throwable> failures = new ArrayList<>();
        for (Map.Entry<String, Tracked> instance : new ArrayList<>(this.tracked.entrySet())) {
            if (instance.getValue().factoryPid != null) {
                try {
                    deleteFactoryConfiguration(instance.getKey(), false);
                } catch (KuraException e) {
                    failures.add(e);
                }
            }
        }
        Set<String> inSnapshot = new HashSet<>();
        for (ComponentConfiguration configuration : configurations) {
            Object factoryPid = configuration.getConfigurationProperties().get(ConfigurationAdmin.SERVICE_FACTORYPID);
            if (factoryPid != null) {
                try {
                    createFactoryConfiguration(factoryPid.toString(), configuration.getPid(),
                            configuration.getConfigurationProperties(), false);
                } catch (KuraException e) {
                    failures.add(e);
                }
            }
        }
        for (ComponentConfiguration configuration : configurations) {
            try {
                apply(configuration.getPid(), configuration.getConfigurationProperties(), true);
            } catch (KuraException e) {
                failures.add(e);
            }
            inSnapshot.add(configuration.getPid());
        }
        for (String pid : new ArrayList<>(this.tracked.keySet())) {
            if (!inSnapshot.contains(pid)) {
                try {
                    apply(pid, Collections.<String, Object>emptyMap(), true);
                } catch (KuraException e) {
                    failures.add(e);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new KuraException(KuraErrorCode.PARTIAL_SUCCESS, failures.get(0), "Rollback");
        }
        saveSnapshot(configurations);
    }

    /**
     * Kura's buildCurrentConfiguration: the tracked configurations (Passwords encrypted), the given updates merged
     * into theirs, then those of the newest snapshot not tracked (yet), less the PIDs being deleted.
     */
    private List<ComponentConfiguration> currentConfigurations(List<ComponentConfiguration> updates)
            throws KuraException {
        List<ComponentConfiguration> result = new ArrayList<>();
        Set<String> pids = new HashSet<>();
        for (ComponentConfiguration current : getComponentConfigurations()) {
            ComponentConfiguration merged = current;
            for (ComponentConfiguration update : updates == null ? Collections.<ComponentConfiguration>emptyList()
                    : updates) {
                if (update.getPid().equals(current.getPid())) {
                    Map<String, Object> properties = new HashMap<>();
                    if (current.getConfigurationProperties() != null) {
                        properties.putAll(current.getConfigurationProperties());
                    }
                    if (update.getConfigurationProperties() != null) {
                        properties.putAll(update.getConfigurationProperties());
                    }
                    merged = new StandInComponentConfiguration(current.getPid(), current.getDefinition(), properties);
                    break;
                }
            }
            result.add(merged);
            pids.add(merged.getPid());
        }
        Optional<List<ComponentConfiguration>> latest = this.snapshots.latest();
        if (latest.isPresent()) {
            for (ComponentConfiguration fromSnapshot : latest.get()) {
                if (pids.add(fromSnapshot.getPid())) {
                    result.add(fromSnapshot);
                }
            }
        }
        result.removeIf(configuration -> this.pendingDeletes.contains(configuration.getPid()));
        return result;
    }

    private static Map<String, Object> withKuraPid(String pid, Map<String, Object> properties) {
        Map<String, Object> result = new HashMap<>(properties);
        result.putIfAbsent(KURA_SERVICE_PID, pid);
        return result;
    }

    private static List<String> kuraPidsOfServices(BundleContext context, Filter filter) {
        List<String> pids = new ArrayList<>();
        try {
            ServiceReference<?>[] references = context.getAllServiceReferences(null, null);
            for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
                Object pid = reference.getProperty(KURA_SERVICE_PID);
                if (filter.match(reference) && pid instanceof String) {
                    pids.add((String) pid);
                }
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        return pids;
    }

    private static String[] orEmpty(String[] pids) {
        return pids == null ? new String[0] : pids;
    }

    /** A configuration Kura writes again, merged with its definition's defaults. */
    private static final class Seed {

        final String kuraPid;
        final ObjectClassDefinition definition;
        final boolean factoryInstance;

        Seed(String kuraPid, ObjectClassDefinition definition, boolean factoryInstance) {
            this.kuraPid = kuraPid;
            this.definition = definition;
            this.factoryInstance = factoryInstance;
        }
    }

    /** Where a tracked PID's configuration lives in ConfigAdmin. */
    private static final class Tracked {

        final String servicePid;
        final String factoryPid;

        Tracked(String servicePid, String factoryPid) {
            this.servicePid = servicePid;
            this.factoryPid = factoryPid;
        }
    }

    /** Reads each ACTIVE bundle's metatype, as Kura's ComponentMetaTypeBundleTracker does. */
    private final class MetatypeReader implements BundleTrackerCustomizer<Bundle> {

        @Override
        public Bundle addingBundle(Bundle bundle, BundleEvent event) {
            if (bundle.equals(StandInConfigurationService.this.ownBundle)) {
                // Read as the ConfigurationService started (readOwnMetatype).
                return bundle;
            }
            List<Seed> seeds = read(bundle);
            StandInConfigurationService.this.rewrites.execute(() -> {
                for (Seed seed : seeds) {
                    StandInConfigurationService.this.awaitActivated.accept(seed.kuraPid);
                    seed(seed);
                }
            });
            return bundle;
        }

        /** Remembers the definitions of the bundle's metatype; returns the configurations to write again. */
        List<Seed> read(Bundle bundle) {
            MetaTypeInformation information = StandInConfigurationService.this.metaTypeService
                    .getMetaTypeInformation(bundle);
            List<Seed> seeds = new ArrayList<>();
            if (information != null) {
                for (String pid : orEmpty(information.getPids())) {
                    seeds.addAll(define(pid, information.getObjectClassDefinition(pid, null), false));
                }
                for (String factoryPid : orEmpty(information.getFactoryPids())) {
                    seeds.addAll(define(factoryPid, information.getObjectClassDefinition(factoryPid, null), true));
                }
            }
            return seeds;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Bundle tracked) {
            // Metatype is read once, when the bundle becomes ACTIVE, as in Kura.
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Bundle tracked) {
            // Kura forgets the bundle's factories; its definitions stay.
            MetaTypeInformation information = StandInConfigurationService.this.metaTypeService
                    .getMetaTypeInformation(bundle);
            if (information != null) {
                synchronized (StandInConfigurationService.this) {
                    StandInConfigurationService.this.factoryPids.removeAll(Arrays.asList(orEmpty(
                            information.getFactoryPids())));
                }
            }
        }
    }
}
