package io.kuradps.provisioning.testing;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** ServiceReferences as the framework hands them to Declarative Services, for components tested over fakes. */
public final class ServiceReferences {

    private ServiceReferences() {
    }

    /**
     * A ServiceReference as the framework hands it to DS: these properties, with a {@code service.id} of its own, in
     * the framework's order (a higher {@code service.ranking} first, then the older service).
     */
    @SuppressWarnings("unchecked")
    public static <S> ServiceReference<S> of(Map<String, Object> properties) {
        Map<String, Object> registered = new HashMap<>(properties);
        registered.putIfAbsent(Constants.SERVICE_ID, NEXT_SERVICE_ID.incrementAndGet());
        return (ServiceReference<S>) Proxy.newProxyInstance(ServiceReferences.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperty":
                            return registered.get(args[0]);
                        case "getPropertyKeys":
                            return registered.keySet().toArray(new String[0]);
                        case "getProperties":
                            return new Hashtable<>(registered);
                        case "compareTo":
                            return ORDER.compare(registered, (ServiceReference<?>) args[0]);
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "ServiceReference" + registered;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static final AtomicLong NEXT_SERVICE_ID = new AtomicLong();

    /** ServiceReference.compareTo: the higher ranking is greater; at the same ranking, the lower id (older) is. */
    private static final ServiceOrder ORDER = (mine, other) -> {
        int ranking = Integer.compare(ranking(mine.get(Constants.SERVICE_RANKING)),
                ranking(other.getProperty(Constants.SERVICE_RANKING)));
        return ranking != 0 ? ranking : Long.compare((Long) other.getProperty(Constants.SERVICE_ID),
                (Long) mine.get(Constants.SERVICE_ID));
    };

    private interface ServiceOrder {
        int compare(Map<String, Object> mine, ServiceReference<?> other);
    }

    private static int ranking(Object value) {
        return value instanceof Integer ? (Integer) value : 0;
    }

}
