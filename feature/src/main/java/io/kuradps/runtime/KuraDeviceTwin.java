package io.kuradps.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The provisioning bundle's DeviceTwin service, used from the launcher as another bundle would use it: report a
 * property of its own. The launcher cannot load the bundle's API, so it calls the method, whose parameters are java
 * types, through the interface the service's own bundle loads (as {@link KuraDataService} does).
 */
final class KuraDeviceTwin {

    private static final String DEVICE_TWIN = "io.kuradps.provisioning.api.device.DeviceTwin";

    private final BundleContext context;
    private final ServiceReference<?> reference;
    private final Method report;

    private KuraDeviceTwin(BundleContext context, ServiceReference<?> reference, Method report) {
        this.context = context;
        this.reference = reference;
        this.report = report;
    }

    static KuraDeviceTwin of(BundleContext context) throws ReflectiveOperationException {
        ServiceReference<?> reference = context.getServiceReference(DEVICE_TWIN);
        if (reference == null) {
            throw new IllegalStateException("no DeviceTwin service: is io.kuradps.provisioning.DeviceTwin active?");
        }
        Method report = reference.getBundle().loadClass(DEVICE_TWIN).getMethod("report", String.class, String.class);
        return new KuraDeviceTwin(context, reference, report);
    }

    /** DeviceTwin.report(name, valueJson): returns at once, the patch goes out on the twin's thread. */
    void report(String name, String valueJson) throws Exception {
        Object service = this.context.getService(this.reference);
        if (service == null) {
            throw new IllegalStateException("the DeviceTwin service has gone");
        }
        try {
            this.report.invoke(service, name, valueJson);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } finally {
            this.context.ungetService(this.reference);
        }
    }
}
