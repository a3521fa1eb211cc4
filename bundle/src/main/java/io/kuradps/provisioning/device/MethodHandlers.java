package io.kuradps.provisioning.device;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.iothub.DirectMethods;

/**
 * The direct methods this gateway answers: its built-ins and the {@link DirectMethodHandler} services other bundles
 * register (the whiteboard), each by its {@value DirectMethodHandler#METHOD_NAME}. Among services with one name, the
 * one with the highest service ranking wins (then the oldest), as the framework orders references. The built-ins'
 * names ({@value #BUILT_IN_PREFIX}...) are this bundle's: a service claiming one is not called. Service properties
 * are read at each call, so a changed name or timeout applies from the next call. Thread-safe.
 */
final class MethodHandlers {

    /** Every built-in's name starts so; the prefix is reserved for this bundle. */
    static final String BUILT_IN_PREFIX = "kuraDps.";

    private static final Logger LOG = LoggerFactory.getLogger(MethodHandlers.class);

    /** A handler and how long it may take. */
    static final class Handler {
        final DirectMethodHandler service;
        final Duration timeout;

        Handler(DirectMethodHandler service, Duration timeout) {
            this.service = service;
            this.timeout = timeout;
        }
    }

    private final Map<String, Handler> builtIns;
    private final Map<ServiceReference<?>, DirectMethodHandler> registered = new ConcurrentHashMap<>();

    /** @param builtIns the bundle's own methods by name, each starting with {@value #BUILT_IN_PREFIX} */
    MethodHandlers(Map<String, Handler> builtIns) {
        for (String name : builtIns.keySet()) {
            if (!name.startsWith(BUILT_IN_PREFIX)) {
                throw new IllegalArgumentException("built-in method " + name + " must start with " + BUILT_IN_PREFIX);
            }
        }
        this.builtIns = Collections.unmodifiableMap(new LinkedHashMap<>(builtIns));
    }

    void added(DirectMethodHandler handler, ServiceReference<?> reference) {
        registered.put(reference, handler);
        for (String name : names(reference)) {
            if (name.startsWith(BUILT_IN_PREFIX)) {
                LOG.warn("The DirectMethodHandler with service.id {} claims {}, a name of this bundle's; it is not "
                        + "called", reference.getProperty(Constants.SERVICE_ID), name);
            }
        }
    }

    void removed(ServiceReference<?> reference) {
        registered.remove(reference);
    }

    /** The handler for that name: the built-in, else the best ranked service; empty when none answers it. */
    Optional<Handler> find(String name) {
        Handler builtIn = builtIns.get(name);
        if (builtIn != null || name.startsWith(BUILT_IN_PREFIX)) {
            return Optional.ofNullable(builtIn);
        }
        ServiceReference<?> best = null;
        for (ServiceReference<?> reference : registered.keySet()) {
            if (names(reference).contains(name) && (best == null || reference.compareTo(best) > 0)) {
                best = reference;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        DirectMethodHandler service = registered.get(best);
        return service == null ? Optional.empty()
                : Optional.of(new Handler(service, DirectMethods.handlerTimeout(properties(best))));
    }

    /** Every name answered, for a 404's list. */
    Set<String> names() {
        Set<String> names = new TreeSet<>(builtIns.keySet());
        for (ServiceReference<?> reference : registered.keySet()) {
            for (String name : names(reference)) {
                if (!name.startsWith(BUILT_IN_PREFIX)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The names a service answers: its {@value DirectMethodHandler#METHOD_NAME}, a String or several. */
    private static Set<String> names(ServiceReference<?> reference) {
        Object value = reference.getProperty(DirectMethodHandler.METHOD_NAME);
        Set<String> names = new TreeSet<>();
        if (value instanceof String) {
            names.add((String) value);
        } else if (value instanceof String[]) {
            names.addAll(Arrays.asList((String[]) value));
        }
        names.remove("");
        return names;
    }

    private static Map<String, Object> properties(ServiceReference<?> reference) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            properties.put(key, reference.getProperty(key));
        }
        return properties;
    }
}
