package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;

/**
 * The services of one type that Declarative Services bound to the hub link (a multiple, dynamic reference), with
 * their service properties, so that Kura's way of naming one service from another (a reference target such as
 * {@code DataTransportService.target=(kura.service.pid=...)}) can be followed without a framework. Counts each
 * service's property updates, so a caller can tell when a component took a new configuration. Thread-safe.
 *
 * @param <S> the service type
 */
final class ServiceSet<S> {

    /** A bound service and its properties at one moment. Immutable. */
    static final class Entry<S> {
        final S service;
        final Map<String, Object> properties;
        /** 0 when bound, one more at each property update. */
        final long updates;

        Entry(S service, Map<String, Object> properties, long updates) {
            this.service = service;
            this.properties = Collections.unmodifiableMap(new HashMap<>(properties));
            this.updates = updates;
        }

        Object property(String key) {
            return properties.get(key);
        }
    }

    /** Higher service.ranking first, then the older service (lower service.id), as the framework orders them. */
    private static final Comparator<Entry<?>> RANKING = Comparator
            .comparingInt((Entry<?> e) -> -intProperty(e.properties.get(Constants.SERVICE_RANKING)))
            .thenComparingLong(e -> longProperty(e.properties.get(Constants.SERVICE_ID)));

    private final Object lock = new Object();
    private final Map<S, Entry<S>> entries = new IdentityHashMap<>();

    void bound(S service, Map<String, Object> properties) {
        synchronized (lock) {
            entries.put(service, new Entry<>(service, properties, 0));
            lock.notifyAll();
        }
    }

    void updated(S service, Map<String, Object> properties) {
        synchronized (lock) {
            Entry<S> previous = entries.get(service);
            entries.put(service, new Entry<>(service, properties, previous == null ? 0 : previous.updates + 1));
            lock.notifyAll();
        }
    }

    void unbound(S service) {
        synchronized (lock) {
            entries.remove(service);
            lock.notifyAll();
        }
    }

    /** The services whose properties match an LDAP filter (a reference target), best ranked first. */
    List<Entry<S>> matching(String ldapFilter) throws InvalidSyntaxException {
        Filter filter = FrameworkUtil.createFilter(ldapFilter);
        return matching(e -> filter.match(dictionary(e.properties)));
    }

    /** The best ranked service with this {@code kura.service.pid}. */
    Optional<Entry<S>> withKuraServicePid(String pid) {
        List<Entry<S>> found = matching(e -> pid.equals(String.valueOf(e.property(ConfigurationService.KURA_SERVICE_PID))));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    List<Entry<S>> matching(Predicate<Entry<S>> condition) {
        List<Entry<S>> found = new ArrayList<>();
        synchronized (lock) {
            for (Entry<S> entry : entries.values()) {
                if (condition.test(entry)) {
                    found.add(entry);
                }
            }
        }
        found.sort(RANKING);
        return found;
    }

    /**
     * Waits until a bound service meets the condition, at most {@code bound}.
     *
     * @return the best ranked such service, or empty when none did in time
     */
    Optional<Entry<S>> await(Predicate<Entry<S>> condition, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (lock) {
            while (true) {
                List<Entry<S>> found = matching(condition);
                if (!found.isEmpty()) {
                    return Optional.of(found.get(0));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    private static Dictionary<String, Object> dictionary(Map<String, Object> properties) {
        return new Hashtable<>(properties);
    }

    private static int intProperty(Object value) {
        return value instanceof Integer ? (Integer) value : 0;
    }

    private static long longProperty(Object value) {
        return value instanceof Long ? (Long) value : Long.MAX_VALUE;
    }
}
