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
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's DataService (5.5) for a runtime without Kura: one per factory configuration, over the
 * DataTransportService its {@code DataTransportService.target} selects. What it does as Kura does
 * (runtime-support/README.md lists each fact with its source):
 * <ul>
 * <li>{@link #publish} only stores the message and returns its id; a publisher thread hands stored messages to
 * the transport whenever it is connected, lowest priority number first, at most the configured number of QoS &gt; 0
 * messages in flight; a new session sends the in-flight ones again (or drops them, if so configured);</li>
 * <li>the rate limit (on by default: 1 message per second, burst 1) holds back every message of priority 5 or more
 * ({@link PublishThrottle});</li>
 * <li>a changed transport configuration disconnects ({@code onConfigurationUpdating}) and connects again
 * ({@code onConfigurationUpdated}): at once if it was connected and auto-connect is off, else through the
 * reconnect task; it was not connected, and auto-connect is off: it stays disconnected;</li>
 * <li>with {@code connect.auto-on-startup} the reconnect task tries every {@code connect.retry-interval} seconds,
 * the first time after a random delay below a fifth of it (at least 1 s), at start, after a loss and after a
 * configuration change; {@link #connect} and {@link #disconnect} stop it;</li>
 * <li>listeners added with {@link #addDataServiceListener} hear every callback; of the services registered as
 * listeners, only those registered as the deprecated {@code org.eclipse.kura.data.DataServiceListener} are called
 * (every one of them, by every DataService, before the added ones).</li>
 * </ul>
 * Its store is in memory (as Kura's default H2 database is); there is no watchdog recovery and no connection
 * schedule. It activates as soon as it and its transport are configured (immediate), which activates the
 * transport too: on a gateway something always asks for the DataService at boot (the hub link binds every one),
 * and so a transport is built before an SslManagerService configured after it, as Kura's often is.
 */
@Component(name = StandInDataService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, enabled = false,
        immediate = true, service = { DataService.class, ConfigurableComponent.class })
@Designate(ocd = DataServiceDefinition.class, factory = true)
public final class StandInDataService implements DataService, DataTransportListener, ConfigurableComponent {

    /** Kura's factory PID (and component name) of the DataService. */
    public static final String FACTORY_PID = "org.eclipse.kura.data.DataService";

    private static final Logger LOG = LoggerFactory.getLogger(StandInDataService.class);
    private static final int MIN_RECONNECT_DELAY_SECONDS = 1;

    @Reference(name = "DataTransportService")
    private DataTransportService transport;

    private final Listeners<DataServiceListener> listeners = new Listeners<>();
    /** The deprecated listeners registered as services, each adapted, told before the added ones. */
    private final Listeners<DataServiceListener> serviceListeners = new Listeners<>();
    private final LongSupplier nanoTime;
    private final MessageStore store = new MessageStore(Options.DEFAULT_CAPACITY);
    private final AtomicInteger connectionsEstablished = new AtomicInteger();
    private final Random random = new Random();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = this.wakeLock.newCondition();
    private boolean wakePending;
    private volatile boolean running;
    private volatile Options options;
    /** Null while the rate limit is off. */
    private volatile PublishThrottle throttle;
    private ScheduledExecutorService reconnects;
    private ExecutorService publisher;
    private ScheduledFuture<?> reconnectTask;

    /** For Declarative Services. */
    public StandInDataService() {
        this.nanoTime = System::nanoTime;
    }

    /** Without a framework: over that transport, the rate limit timed by that clock. */
    StandInDataService(DataTransportService transport, LongSupplier nanoTime) {
        this.transport = transport;
        this.nanoTime = nanoTime;
    }

    @Activate
    void activate(Map<String, Object> configuration) {
        this.options = Options.of(configuration);
        this.throttle = this.options.throttle(this.nanoTime);
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
        this.throttle = this.options.throttle(this.nanoTime);
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

    /** Kura calls listener services only of the deprecated type; the other type is not even looked up. */
    @Reference(name = "DataServiceListener", service = org.eclipse.kura.data.DataServiceListener.class,
            cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeServiceListener")
    void addServiceListener(org.eclipse.kura.data.DataServiceListener listener) {
        this.serviceListeners.add(new DeprecatedListener(listener));
    }

    void removeServiceListener(org.eclipse.kura.data.DataServiceListener listener) {
        this.serviceListeners.remove(new DeprecatedListener(listener));
    }

    /** Every listener service, then every added listener, as Kura's DataServiceListenerS. */
    private void tell(String what, Consumer<DataServiceListener> call) {
        this.serviceListeners.tell(what, call);
        this.listeners.tell(what, call);
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
        tell("onConnectionEstablished", DataServiceListener::onConnectionEstablished);
        wakePublisher();
    }

    @Override
    public void onDisconnecting() {
        tell("onDisconnecting", DataServiceListener::onDisconnecting);
    }

    @Override
    public void onDisconnected() {
        tell("onDisconnected", DataServiceListener::onDisconnected);
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
        tell("onConnectionLost", listener -> listener.onConnectionLost(cause));
    }

    @Override
    public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        tell("onMessageArrived", listener -> listener.onMessageArrived(topic, payload, qos, retained));
    }

    @Override
    public void onMessageConfirmed(DataTransportToken token) {
        Optional<StoredMessage> confirmed = this.store.confirmed(token);
        if (confirmed.isPresent()) {
            tell("onMessageConfirmed",
                    listener -> listener.onMessageConfirmed(confirmed.get().id(), confirmed.get().topic()));
        }
        wakePublisher();
    }

    // ---- publishing and reconnecting ------------------------------------------------------------------------

    private void publishStored() {
        while (this.running) {
            Optional<StoredMessage> next = this.transport.isConnected() ? this.store.next()
                    : Optional.<StoredMessage>empty();
            long waitNanos = -1;
            if (next.isPresent() && (next.get().qos() == 0 || this.store.inFlightCount() < this.options.maxInFlight)) {
                PublishThrottle limit = this.throttle;
                if (limit != null && next.get().priority() >= Options.THROTTLED_PRIORITY && !limit.take()) {
                    waitNanos = limit.nanosToNextToken();
                } else if (handOver(next.get())) {
                    continue;
                }
            }
            awaitWake(waitNanos);
        }
    }

    /** @return whether the transport took the message */
    private boolean handOver(StoredMessage message) {
        try {
            DataTransportToken token = this.transport.publish(message.topic(), message.payload(), message.qos(),
                    message.retain());
            this.store.published(message, token);
            tell("onMessagePublished",
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

    /** @param nanos at most this long; -1: until woken */
    private void awaitWake(long nanos) {
        this.wakeLock.lock();
        try {
            if (nanos < 0) {
                while (!this.wakePending && this.running) {
                    this.wake.await();
                }
            } else if (!this.wakePending) {
                this.wake.awaitNanos(nanos);
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
            int initialDelay = Math.max(MIN_RECONNECT_DELAY_SECONDS,
                    this.random.nextInt(Math.max(1, current.retryIntervalSeconds / 5)));
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
        /** Messages of this priority or more wait for the rate limit; lower numbers (lifecycle, control) never. */
        static final int THROTTLED_PRIORITY = 5;

        final boolean autoConnect;
        final int retryIntervalSeconds;
        final int quiesceSeconds;
        final int capacity;
        final boolean republishInFlight;
        final int maxInFlight;
        final boolean rateLimit;
        final int rateLimitAverage;
        final TimeUnit rateLimitUnit;
        final int rateLimitBurst;

        private Options(Map<String, Object> properties) {
            this.autoConnect = flag(properties, "connect.auto-on-startup", false);
            this.retryIntervalSeconds = positive(properties, "connect.retry-interval", 60);
            this.quiesceSeconds = number(properties, "disconnect.quiesce-timeout", 10);
            this.capacity = positive(properties, "store.capacity", DEFAULT_CAPACITY);
            this.republishInFlight = flag(properties, "in-flight-messages.republish-on-new-session", true);
            this.maxInFlight = positive(properties, "in-flight-messages.max-number", 9);
            this.rateLimit = flag(properties, "enable.rate.limit", true);
            this.rateLimitAverage = positive(properties, "rate.limit.average", 1);
            this.rateLimitUnit = unit(properties, "rate.limit.time.unit", TimeUnit.SECONDS);
            this.rateLimitBurst = positive(properties, "rate.limit.burst.size", 1);
        }

        /** Null when the rate limit is off. */
        PublishThrottle throttle(LongSupplier nanoTime) {
            return this.rateLimit ? new PublishThrottle(this.rateLimitBurst,
                    this.rateLimitUnit.toNanos(1) / this.rateLimitAverage, nanoTime) : null;
        }

        /** Kura takes these five units only. */
        private static TimeUnit unit(Map<String, Object> properties, String key, TimeUnit fallback) {
            Object value = properties.get(key);
            if (value == null) {
                return fallback;
            }
            for (TimeUnit unit : new TimeUnit[] { TimeUnit.MILLISECONDS, TimeUnit.SECONDS, TimeUnit.MINUTES,
                TimeUnit.HOURS, TimeUnit.DAYS }) {
                if (unit.name().equals(value)) {
                    return unit;
                }
            }
            throw new IllegalArgumentException(key + " must be MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS");
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
