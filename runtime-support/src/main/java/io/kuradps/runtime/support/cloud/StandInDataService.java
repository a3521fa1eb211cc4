package io.kuradps.runtime.support.cloud;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.KuraNotConnectedException;
import org.eclipse.kura.KuraStoreException;
import org.eclipse.kura.KuraTimeoutException;
import org.eclipse.kura.KuraTooManyInflightMessagesException;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.data.DataTransportToken;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.eclipse.kura.data.transport.listener.DataTransportListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's DataService (5.0) for a runtime without Kura: one per factory configuration, over the
 * DataTransportService its {@code DataTransportService.target} selects. What it does as Kura does:
 * <ul>
 * <li>{@link #publish} only stores the message and returns its id; a publisher thread hands stored messages to
 * the transport whenever it is connected, lowest priority number first, at most the configured number of QoS &gt; 0
 * messages in flight; a new session sends the in-flight ones again (or drops them, if so configured);</li>
 * <li>a changed transport configuration disconnects ({@code onConfigurationUpdating}) and connects again
 * ({@code onConfigurationUpdated}): at once if it was connected and auto-connect is off, else through the
 * reconnect task;</li>
 * <li>with {@code connect.auto-on-startup} the reconnect task tries every {@code connect.retry-interval} seconds,
 * the first time after a random delay below a fifth of it (none when the interval is under 10 s), at start, after
 * a loss and after a configuration change; {@link #connect} and {@link #disconnect} stop it.</li>
 * </ul>
 * Its store is in memory (as Kura's default H2 database is); there is no rate limit, no watchdog recovery, and no
 * whiteboard of the deprecated {@code org.eclipse.kura.data.DataServiceListener}: listeners are added with
 * {@link #addDataServiceListener}.
 */
@Component(name = StandInDataService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, enabled = false,
        service = { DataService.class, ConfigurableComponent.class })
@Designate(ocd = DataServiceDefinition.class, factory = true)
public final class StandInDataService implements DataService, DataTransportListener, ConfigurableComponent {

    /** Kura's factory PID (and component name) of the DataService. */
    public static final String FACTORY_PID = "org.eclipse.kura.data.DataService";

    private static final Logger LOG = LoggerFactory.getLogger(StandInDataService.class);

    @Reference(name = "DataTransportService")
    private DataTransportService transport;

    private final Listeners<DataServiceListener> listeners = new Listeners<>();
    private final MessageStore store = new MessageStore(Options.DEFAULT_CAPACITY);
    private final AtomicInteger connectionsEstablished = new AtomicInteger();
    private final Random random = new Random();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = this.wakeLock.newCondition();
    private boolean wakePending;
    private volatile boolean running;
    private volatile Options options;
    private ScheduledExecutorService reconnects;
    private ExecutorService publisher;
    private ScheduledFuture<?> reconnectTask;

    /** For Declarative Services. */
    public StandInDataService() {
    }

    /** Without a framework: over that transport. */
    StandInDataService(DataTransportService transport) {
        this.transport = transport;
    }

    @Activate
    void activate(Map<String, Object> configuration) {
        this.options = Options.of(configuration);
        this.store.capacity(this.options.capacity);
        this.reconnects = Executors.newSingleThreadScheduledExecutor(named("DataService reconnect"));
        this.publisher = Executors.newSingleThreadExecutor(named("DataService publisher"));
        this.running = true;
        this.publisher.execute(this::publishStored);
        this.transport.addDataTransportListener(this);
        startReconnectTask();
    }

    @Modified
    void modified(Map<String, Object> configuration) {
        stopReconnectTask();
        this.options = Options.of(configuration);
        this.store.capacity(this.options.capacity);
        if (!this.transport.isConnected()) {
            startReconnectTask();
        }
    }

    @Deactivate
    void deactivate() {
        stopReconnectTask();
        this.transport.removeDataTransportListener(this);
        disconnect(this.options.quiesceMillis());
        this.running = false;
        wakePublisher();
        this.reconnects.shutdownNow();
        this.publisher.shutdownNow();
    }

    /** How many times a connection was established since activation: a renewal costs one. */
    public int connectionsEstablished() {
        return this.connectionsEstablished.get();
    }

    // ---- DataService ----------------------------------------------------------------------------------------

    @Override
    public void connect() throws KuraConnectException {
        stopReconnectTask();
        if (!this.transport.isConnected()) {
            this.transport.connect();
        }
    }

    @Override
    public boolean isConnected() {
        return this.transport.isConnected();
    }

    @Override
    public boolean isAutoConnectEnabled() {
        return this.options.autoConnect;
    }

    @Override
    public int getRetryInterval() {
        return this.options.retryIntervalSeconds;
    }

    @Override
    public void disconnect(long quiesceTimeout) {
        stopReconnectTask();
        this.transport.disconnect(quiesceTimeout);
    }

    @Override
    public void subscribe(String topic, int qos) throws KuraTimeoutException, KuraException, KuraNotConnectedException {
        this.transport.subscribe(topic, qos);
    }

    @Override
    public void unsubscribe(String topic) throws KuraTimeoutException, KuraException, KuraNotConnectedException {
        this.transport.unsubscribe(topic);
    }

    @Override
    public int publish(String topic, byte[] payload, int qos, boolean retain, int priority) throws KuraStoreException {
        StoredMessage message = this.store.store(topic, payload, qos, retain, priority);
        wakePublisher();
        return message.id();
    }

    @Override
    public List<Integer> getUnpublishedMessageIds(String topicRegex) {
        return this.store.unpublishedIds(topicRegex);
    }

    @Override
    public List<Integer> getInFlightMessageIds(String topicRegex) {
        return this.store.inFlightIds(topicRegex);
    }

    @Override
    public List<Integer> getDroppedInFlightMessageIds(String topicRegex) {
        return this.store.droppedIds(topicRegex);
    }

    @Override
    public void addDataServiceListener(DataServiceListener listener) {
        this.listeners.add(listener);
    }

    @Override
    public void removeDataServiceListener(DataServiceListener listener) {
        this.listeners.remove(listener);
    }

    // ---- what the transport tells ---------------------------------------------------------------------------

    @Override
    public void onConnectionEstablished(boolean newSession) {
        if (newSession) {
            if (this.options.republishInFlight) {
                this.store.unpublishInFlight();
            } else {
                this.store.dropInFlight();
            }
        }
        this.connectionsEstablished.incrementAndGet();
        this.listeners.tell("onConnectionEstablished", DataServiceListener::onConnectionEstablished);
        wakePublisher();
    }

    @Override
    public void onDisconnecting() {
        this.listeners.tell("onDisconnecting", DataServiceListener::onDisconnecting);
    }

    @Override
    public void onDisconnected() {
        this.listeners.tell("onDisconnected", DataServiceListener::onDisconnected);
    }

    @Override
    public void onConfigurationUpdating(boolean wasConnected) {
        disconnect(0);
    }

    @Override
    public void onConfigurationUpdated(boolean wasConnected) {
        boolean autoConnect = startReconnectTask();
        if (!autoConnect && wasConnected) {
            try {
                connect();
            } catch (KuraConnectException e) {
                LOG.warn("Reconnecting after the transport's configuration changed failed: {}", causeOf(e));
            }
        }
    }

    @Override
    public void onConnectionLost(Throwable cause) {
        stopReconnectTask();
        startReconnectTask();
        this.listeners.tell("onConnectionLost", listener -> listener.onConnectionLost(cause));
    }

    @Override
    public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        this.listeners.tell("onMessageArrived", listener -> listener.onMessageArrived(topic, payload, qos, retained));
    }

    @Override
    public void onMessageConfirmed(DataTransportToken token) {
        Optional<StoredMessage> confirmed = this.store.confirmed(token);
        if (confirmed.isPresent()) {
            this.listeners.tell("onMessageConfirmed",
                    listener -> listener.onMessageConfirmed(confirmed.get().id(), confirmed.get().topic()));
        }
        wakePublisher();
    }

    // ---- publishing and reconnecting ------------------------------------------------------------------------

    private void publishStored() {
        while (this.running) {
            Optional<StoredMessage> next = this.transport.isConnected() ? this.store.next()
                    : Optional.<StoredMessage>empty();
            if (next.isPresent() && (next.get().qos() == 0 || this.store.inFlightCount() < this.options.maxInFlight)
                    && handOver(next.get())) {
                continue;
            }
            awaitWake();
        }
    }

    /** @return whether the transport took the message */
    private boolean handOver(StoredMessage message) {
        try {
            DataTransportToken token = this.transport.publish(message.topic(), message.payload(), message.qos(),
                    message.retain());
            this.store.published(message, token);
            this.listeners.tell("onMessagePublished",
                    listener -> listener.onMessagePublished(message.id(), message.topic()));
            return true;
        } catch (KuraNotConnectedException | KuraTooManyInflightMessagesException e) {
            return false;
        } catch (KuraException | RuntimeException e) {
            LOG.warn("The transport did not take {}: {}", message, e.getMessage());
            return false;
        }
    }

    private void wakePublisher() {
        this.wakeLock.lock();
        try {
            this.wakePending = true;
            this.wake.signalAll();
        } finally {
            this.wakeLock.unlock();
        }
    }

    private void awaitWake() {
        this.wakeLock.lock();
        try {
            while (!this.wakePending && this.running) {
                this.wake.await();
            }
            this.wakePending = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            this.running = false;
        } finally {
            this.wakeLock.unlock();
        }
    }

    /** @return whether auto-connect is on, i.e. the task was started */
    private synchronized boolean startReconnectTask() {
        Options current = this.options;
        if (!current.autoConnect) {
            return false;
        }
        if (this.reconnectTask == null || this.reconnectTask.isDone()) {
            int initialDelay = this.random.nextInt(Math.max(1, current.retryIntervalSeconds / 5));
            this.reconnectTask = this.reconnects.scheduleAtFixedRate(this::tryToConnect, initialDelay,
                    current.retryIntervalSeconds, TimeUnit.SECONDS);
        }
        return true;
    }

    private synchronized void stopReconnectTask() {
        if (this.reconnectTask != null) {
            this.reconnectTask.cancel(false);
            this.reconnectTask = null;
        }
    }

    private void tryToConnect() {
        try {
            if (!this.transport.isConnected()) {
                this.transport.connect();
            }
            stopReconnectTask();
        } catch (KuraConnectException | IllegalStateException e) {
            LOG.warn("Connect failed, next attempt in {} s: {}", this.options.retryIntervalSeconds, causeOf(e));
        }
    }

    private static String causeOf(Exception e) {
        return e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause().getMessage();
    }

    private static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The configuration, with Kura's defaults for what is missing. */
    private static final class Options {

        static final int DEFAULT_CAPACITY = 10000;

        final boolean autoConnect;
        final int retryIntervalSeconds;
        final int quiesceSeconds;
        final int capacity;
        final boolean republishInFlight;
        final int maxInFlight;

        private Options(Map<String, Object> properties) {
            this.autoConnect = flag(properties, "connect.auto-on-startup", false);
            this.retryIntervalSeconds = positive(properties, "connect.retry-interval", 60);
            this.quiesceSeconds = number(properties, "disconnect.quiesce-timeout", 10);
            this.capacity = positive(properties, "store.capacity", DEFAULT_CAPACITY);
            this.republishInFlight = flag(properties, "in-flight-messages.republish-on-new-session", true);
            this.maxInFlight = positive(properties, "in-flight-messages.max-number", 9);
        }

        /** @throws IllegalArgumentException naming the property of the wrong type or range */
        static Options of(Map<String, Object> properties) {
            return new Options(properties);
        }

        long quiesceMillis() {
            return this.quiesceSeconds * 1000L;
        }

        private static boolean flag(Map<String, Object> properties, String key, boolean fallback) {
            Object value = properties.get(key);
            if (value != null && !(value instanceof Boolean)) {
                throw new IllegalArgumentException(key + " must be a Boolean");
            }
            return value == null ? fallback : (Boolean) value;
        }

        private static int number(Map<String, Object> properties, String key, int fallback) {
            Object value = properties.get(key);
            if (value != null && !(value instanceof Integer)) {
                throw new IllegalArgumentException(key + " must be an Integer");
            }
            return value == null ? fallback : (Integer) value;
        }

        private static int positive(Map<String, Object> properties, String key, int fallback) {
            int value = number(properties, key, fallback);
            if (value < 1) {
                throw new IllegalArgumentException(key + " must be 1 or more");
            }
            return value;
        }
    }
}
