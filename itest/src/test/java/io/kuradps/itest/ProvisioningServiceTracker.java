package io.kuradps.itest;

import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import io.kuradps.provisioning.api.DpsProvisioning;

/** What a consumer bundle does: track the provisioning service whose properties match a filter. */
public final class ProvisioningServiceTracker implements AutoCloseable {

    private final ServiceTracker<DpsProvisioning, DpsProvisioning> tracker;

    private ProvisioningServiceTracker(ServiceTracker<DpsProvisioning, DpsProvisioning> tracker) {
        this.tracker = tracker;
    }

    /** Tracks {@link DpsProvisioning} services matching {@code propertyFilter}, e.g. {@code (assigned.hub=*)}. */
    public static ProvisioningServiceTracker open(BundleContext context, String propertyFilter)
            throws InvalidSyntaxException {
        ServiceTracker<DpsProvisioning, DpsProvisioning> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + DpsProvisioning.class.getName() + ")" + propertyFilter + ")"),
                null);
        tracker.open();
        return new ProvisioningServiceTracker(tracker);
    }

    /** The matching service, waiting for it at most {@code timeout}; null when none appeared. */
    public DpsProvisioning await(Duration timeout) throws InterruptedException {
        return tracker.waitForService(timeout.toMillis());
    }

    public ServiceReference<DpsProvisioning> reference() {
        return tracker.getServiceReference();
    }

    @Override
    public void close() {
        tracker.close();
    }
}
