package io.kuradps.provisioning.hub;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.metatype.OCD;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.osgi.framework.ServiceReference;

import io.kuradps.provisioning.testing.ServiceReferences;

/**
 * Kura's ConfigurationService and DataService as the hub link sees them (kura.md, runtime-support/README.md): an
 * update of an untracked PID is dropped without error, Passwords come back as given, a DataService connects or
 * throws what it is told to. Hand-made, since the bundle's tests use no mocking library.
 */
final class KuraFakes {

    private KuraFakes() {
    }

    /** See {@link ServiceReferences#of}. */
    static <S> ServiceReference<S> reference(Map<String, Object> properties) {
        return ServiceReferences.of(properties);
    }

    /** The raw MQTT stack's DataService as Kura's factory creates it: its metatype defaults (kura.md fact 7). */
    static Map<String, Object> dataServiceDefaults() {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("connect.auto-on-startup", false);
        defaults.put("enable.rate.limit", true);
        defaults.put("rate.limit.average", 1);
        defaults.put("rate.limit.time.unit", "SECONDS");
        defaults.put("rate.limit.burst.size", 1);
        return defaults;
    }

    /** One updateConfiguration call. */
    static final class Update {
        final String pid;
        final Map<String, Object> properties;
        final boolean snapshot;

        Update(String pid, Map<String, Object> properties, boolean snapshot) {
            this.pid = pid;
            this.properties = properties;
            this.snapshot = snapshot;
        }
    }

    static final class Configurations {
        final Map<String, Map<String, Object>> tracked = new HashMap<>();
        final List<Update> updates = new ArrayList<>();
        final List<String> created = new ArrayList<>();
        /** Told after each update that Kura took (pid, the configuration now), as Declarative Services would be. */
        BiConsumer<String, Map<String, Object>> applied = (pid, properties) -> { };

        final ConfigurationService service = (ConfigurationService) Proxy.newProxyInstance(
                KuraFakes.class.getClassLoader(), new Class<?>[] { ConfigurationService.class },
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getComponentConfiguration":
                            return configuration((String) args[0]);
                        case "updateConfiguration":
                            update((String) args[0], cast(args[1]), args.length > 2 && (Boolean) args[2]);
                            return null;
                        case "createFactoryConfiguration":
                            create((String) args[1], cast(args[2]));
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });

        private synchronized ComponentConfiguration configuration(String pid) {
            if (!tracked.containsKey(pid)) {
                return null;
            }
            Map<String, Object> properties = tracked.get(pid);
            return new Configuration(pid, properties == null ? null : new HashMap<>(properties));
        }

        private void update(String pid, Map<String, Object> properties, boolean snapshot) {
            Map<String, Object> now;
            synchronized (this) {
                updates.add(new Update(pid, new HashMap<>(properties), snapshot));
                if (!tracked.containsKey(pid)) {
                    return;
                }
                tracked.get(pid).putAll(properties);
                now = new HashMap<>(tracked.get(pid));
            }
            applied.accept(pid, now);
        }

        synchronized void create(String pid, Map<String, Object> properties) {
            created.add(pid);
            Map<String, Object> configuration = new HashMap<>();
            if (properties != null) {
                configuration.putAll(properties);
            }
            configuration.put(ConfigurationService.KURA_SERVICE_PID, pid);
            tracked.put(pid, configuration);
        }

        synchronized Update lastUpdate() {
            return updates.get(updates.size() - 1);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Object value) {
            return (Map<String, Object>) value;
        }
    }

    private static final class Configuration implements ComponentConfiguration {
        private final String pid;
        private final Map<String, Object> properties;

        Configuration(String pid, Map<String, Object> properties) {
            this.pid = pid;
            this.properties = properties;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public OCD getDefinition() {
            return null;
        }

        @Override
        public Map<String, Object> getConfigurationProperties() {
            return properties;
        }
    }

    /**
     * A DataService that connects, or throws the failures queued, and tells its listeners as DataServiceImpl does:
     * on the thread that called it, {@code onConnectionEstablished} after a connect, {@code onDisconnecting} and
     * {@code onDisconnected} around a disconnect of a connected transport. What Kura does by itself is there too:
     * a transport reconfigured ({@link #reconfigured}), closed after a keystore change ({@link #cut}), lost.
     */
    static final class FakeDataService {
        final Deque<RuntimeException> runtimeFailures = new ArrayDeque<>();
        final Deque<KuraConnectException> failures = new ArrayDeque<>();
        final List<DataServiceListener> listeners = new CopyOnWriteArrayList<>();
        final List<Long> quiesces = new CopyOnWriteArrayList<>();
        volatile boolean connected;
        volatile int connects;
        volatile int established;
        /** Connects Kura's DataService made by itself after a write of its connected transport. */
        volatile int reconnectsByKura;
        /** Kura's own reconnect connects the transport while a connect() call fails (the race it may win). */
        volatile boolean connectedByKuraOnFailure;

        final DataService service = (DataService) Proxy.newProxyInstance(KuraFakes.class.getClassLoader(),
                new Class<?>[] { DataService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isConnected":
                            return connected;
                        case "connect":
                            connect();
                            return null;
                        case "disconnect":
                            quiesces.add(args == null ? -1L : (Long) args[0]);
                            disconnect();
                            return null;
                        case "addDataServiceListener":
                            listeners.add((DataServiceListener) args[0]);
                            return null;
                        case "removeDataServiceListener":
                            listeners.remove(args[0]);
                            return null;
                        case "toString":
                            return "FakeDataService";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });

        private synchronized void connect() throws KuraConnectException {
            connects++;
            if (!runtimeFailures.isEmpty()) {
                connected = connectedByKuraOnFailure;
                throw runtimeFailures.poll();
            }
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            if (connected) {
                return;
            }
            connected = true;
            established++;
            listeners.forEach(DataServiceListener::onConnectionEstablished);
        }

        private synchronized void disconnect() {
            if (!connected) {
                return;
            }
            listeners.forEach(DataServiceListener::onDisconnecting);
            connected = false;
            listeners.forEach(DataServiceListener::onDisconnected);
        }

        /**
         * The transport's configuration written by someone else, on this thread: DataServiceImpl disconnects and,
         * if it was connected and no auto-connect strategy is set, connects again at once (kura.md fact 10); that
         * connect fails with the failure queued, if any, and is only logged.
         */
        void reconfigured() {
            boolean wasConnected = connected;
            disconnect();
            if (wasConnected) {
                reconnectsByKura++;
                try {
                    connect();
                } catch (KuraConnectException | RuntimeException e) {
                    // DataServiceImpl.onConfigurationUpdated logs "Error during re-connect after configuration update"
                }
            }
        }

        /** Kura's SslManagerService closed the transport after a keystore change: no listener is told (fact 3). */
        void cut() {
            connected = false;
        }

        /** The hub or the network closed the connection. */
        void lose(Throwable cause) {
            connected = false;
            listeners.forEach(l -> l.onConnectionLost(cause));
        }
    }
}
