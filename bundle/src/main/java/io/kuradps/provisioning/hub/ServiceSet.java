package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The services of one type that Declarative Services binds to the hub link, so that Kura's way of naming one service
 * from another (a reference target such as {@code DataTransportService.target=(kura.service.pid=...)}) can be
 * followed, and a wait can end when a service takes a new configuration. DS already tracks these services for the
 * component (multiple, dynamic references with an updated callback, as Kura wires its own), and that wait needs the
 * update callback either way, so DS feeds this set instead of a second ServiceTracker; matching and order are OSGi's
 * own ({@link Filter} on the {@link ServiceReference}, its natural order). Thread-safe.
 *
 * @param <S> the service type
 */
final class ServiceSet<S> {

    /** A bound service, its reference (whose properties are the service's current ones) and its update count. */
    static final class Entry<S> {
        final S service;
        final ServiceReference<S> reference;
        /** 0 when bound, one more at each property update. */
        final long updates;

        Entry(S service, ServiceReference<S> reference, long updates) {
            this.service = service;
            this.reference = reference;
            this.updates = updates;
        }

        Object property(String key) {
            return reference.getProperty(key);
        }
    }

    private final Object lock = new Object();
    private final Map<S, Entry<S>> entries = new IdentityHashMap<>();

    void bound(S service, ServiceReference<S> reference) {
        synchronized (lock) {
            entries.put(service, new Entry<>(service, reference, 0));
            lock.notifyAll();
        }
    }

    void updated(S service, ServiceReference<S> reference) {
        synchronized (lock) {
            Entry<S> previous = entries.get(service);
            entries.put(service, new Entry<>(service, reference, previous == null ? 0 : previous.updates + 1));
            lock.notifyAll();
        }
    }

    void unbound(S service) {
        synchronized (lock) {
            entries.remove(service);
            lock.notifyAll();
        }
    }

    /** The services a reference target (an LDAP filter) selects, best ranked first. */
    List<Entry<S>> matching(String ldapFilter) throws InvalidSyntaxException {
        Filter filter = FrameworkUtil.createFilter(ldapFilter);
        return matching(e -> filter.match(e.reference));
    }

    /** The best ranked service with this {@code kura.service.pid}. */
    Optional<Entry<S>> withKuraServicePid(String pid) {
        List<Entry<S>> found = matching(e -> pid.equals(e.property(ConfigurationService.KURA_SERVICE_PID)));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The services that meet the condition, best ranked first (the framework's order of their references). */
    List<Entry<S>> matching(Predicate<Entry<S>> condition) {
        List<Entry<S>> found = new ArrayList<>();
        synchronized (lock) {
            for (Entry<S> entry : entries.values()) {
                if (condition.test(entry)) {
                    found.add(entry);
                }
            }
        }
        found.sort(Collections.reverseOrder((a, b) -> a.reference.compareTo(b.reference)));
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
}
