package io.kuradps.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Kura's DataService of one transport, used from the launcher as any Kura application uses it: publish, and see
 * the message confirmed. The launcher cannot load Kura's API (it lives in a bundle), so it calls the methods it
 * needs, whose parameters are all java types, through the interface the service's own bundle loads.
 */
final class KuraDataService {

    private static final String DATA_SERVICE = "org.eclipse.kura.data.DataService";
    /** The DataService's reference to its transport, a configuration property (Kura's DataService metatype). */
    private static final String TRANSPORT_TARGET = "DataTransportService.target";
    private static final int QOS_AT_LEAST_ONCE = 1;
    private static final int PRIORITY = 5;

    private final BundleContext context;
    private final ServiceReference<?> reference;
    private final Class<?> api;

    private KuraDataService(BundleContext context, ServiceReference<?> reference, Class<?> api) {
        this.context = context;
        this.reference = reference;
        this.api = api;
    }

    /** The DataService whose transport is the MqttDataTransport with this kura.service.pid. */
    static KuraDataService of(BundleContext context, String transportPid) throws ClassNotFoundException {
        String target = "(kura.service.pid=" + transportPid + ")";
        ServiceReference<?>[] references;
        try {
            references = context.getAllServiceReferences(DATA_SERVICE, null);
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
            if (target.equals(reference.getProperty(TRANSPORT_TARGET))) {
                return new KuraDataService(context, reference, reference.getBundle().loadClass(DATA_SERVICE));
            }
        }
        throw new IllegalStateException("no DataService uses the transport " + transportPid);
    }

    /** Publishes at QoS 1, as a message the DataService keeps until the hub confirms it; returns its id. */
    int publish(String topic, byte[] payload) throws Exception {
        return (Integer) call("publish", new Class<?>[] { String.class, byte[].class, int.class, boolean.class,
            int.class }, topic, payload, QOS_AT_LEAST_ONCE, false, PRIORITY);
    }

    /**
     * Waits, at most {@code timeout}, until the message is neither waiting nor in flight: the broker confirmed it
     * (PUBACK). Polled, since the launcher cannot implement Kura's DataServiceListener.
     */
    boolean awaitConfirmed(int id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids("getUnpublishedMessageIds").contains(id) || ids("getInFlightMessageIds").contains(id)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private List<?> ids(String method) throws Exception {
        return (List<?>) call(method, new Class<?>[] { String.class }, ".*");
    }

    private Object call(String name, Class<?>[] parameters, Object... arguments) throws Exception {
        Method method = this.api.getMethod(name, parameters);
        Object service = this.context.getService(this.reference);
        if (service == null) {
            throw new IllegalStateException("the DataService has gone");
        }
        try {
            return method.invoke(service, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } finally {
            this.context.ungetService(this.reference);
        }
    }
}
