package io.kuradps.itest;

import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.osgi.framework.ServiceRegistration;

import io.kuradps.provisioning.api.DpsProvisioning;

/**
 * For tests that give the framework SystemServices of their own: each is ranked above the one before it (and any
 * stand-in), so the provisioner, which takes the best one, switches to it; all go away after the test.
 */
public abstract class SystemServiceSupport extends SimulatedDpsSupport {

    private final List<ServiceRegistration<?>> systemServices = new ArrayList<>();
    private int ranking = 1000;

    /** Registers {@code systemService} ranked above every one registered before it. */
    protected void register(TestSystemService systemService) {
        systemServices.add(systemService.register(context, ranking++));
    }

    @After
    public void deactivateThenUnregisterSystemServices() throws Exception {
        // First the component, so that taking its SystemService away does not start it over once more.
        DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
        Await.until("the provisioner is deactivated", STEP,
                () -> context.getServiceReference(DpsProvisioning.class) == null);
        systemServices.forEach(ServiceRegistration::unregister);
        systemServices.clear();
    }
}
