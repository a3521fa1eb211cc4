package io.kuradps.itest;

import java.time.Duration;

import org.eclipse.kura.crypto.CryptoService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import io.kuradps.runtime.support.crypto.StandInCryptoService;

/**
 * Kura's CryptoService (runtime-support's component {@value StandInCryptoService#COMPONENT_NAME}) leaving and coming
 * back while the add-on runs, as it leaves first at a Kura shutdown (runtime-support/README.md, "Shutdown order");
 * every component that needs it statically (ConfigurationService, keystores, transports) goes and comes with it.
 */
final class KuraCryptoService {

    private static final Duration STEP = Duration.ofSeconds(30);

    private KuraCryptoService() {
    }

    /** Disables the component and returns once no CryptoService of it is registered. */
    static void leaves(BundleContext context) throws Exception {
        ServiceComponentRuntime runtime = componentRuntime(context);
        runtime.disableComponent(description(context, runtime)).getValue();
        Await.until("Kura's CryptoService has gone", STEP, () -> registered(context) == null);
    }

    /** Enables the component again and returns once its CryptoService is registered. */
    static void comesBack(BundleContext context) throws Exception {
        ServiceComponentRuntime runtime = componentRuntime(context);
        runtime.enableComponent(description(context, runtime)).getValue();
        Await.until("Kura's CryptoService is back", STEP, () -> registered(context) != null);
    }

    private static ServiceReference<CryptoService> registered(BundleContext context) {
        try {
            return context.getServiceReferences(CryptoService.class,
                    "(service.pid=" + StandInCryptoService.COMPONENT_NAME + ")").stream().findFirst().orElse(null);
        } catch (org.osgi.framework.InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static ServiceComponentRuntime componentRuntime(BundleContext context) {
        return context.getService(context.getServiceReference(ServiceComponentRuntime.class));
    }

    private static ComponentDescriptionDTO description(BundleContext context, ServiceComponentRuntime runtime) {
        ComponentDescriptionDTO description = runtime.getComponentDescriptionDTO(KuraStack.kuraServicesBundle(context),
                StandInCryptoService.COMPONENT_NAME);
        if (description == null) {
            throw new AssertionError("runtime-support declares no component " + StandInCryptoService.COMPONENT_NAME);
        }
        return description;
    }
}
