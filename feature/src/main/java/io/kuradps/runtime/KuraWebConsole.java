package io.kuradps.runtime;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * What Kura's web console does for the configuration: it posts Kura's configuration READY event when it activates
 * ({@code org.eclipse.kura.web2/.../web/Console.java}, with {@code kura.version}); the ConfigurationService posts
 * none. On a gateway the console (behind Jetty) comes up after the add-ons the deployment agent installs at boot,
 * so the runtime posts READY once the provisioning bundle has started. (The hub link waits for READY, for a bounded
 * time, only while its transport is a PID Kura does not track yet.)
 */
final class KuraWebConsole {

    static final String READY_TOPIC = "org/eclipse/kura/configuration/ConfigEvent/READY";
    private static final String EVENT_ADMIN = "org.osgi.service.event.EventAdmin";
    private static final String EVENT = "org.osgi.service.event.Event";

    private KuraWebConsole() {
    }

    /**
     * Posts READY through EventAdmin; the event types live in a bundle, so they are reached through the classes that
     * EventAdmin's own bundle loads, with java.* arguments only.
     */
    static void postReady(BundleContext context, String kuraVersion) throws Exception {
        ServiceReference<?> reference = context.getServiceReference(EVENT_ADMIN);
        if (reference == null) {
            throw new IllegalStateException("no EventAdmin to post Kura's configuration READY");
        }
        Class<?> eventType = reference.getBundle().loadClass(EVENT);
        Object ready = eventType.getConstructor(String.class, Map.class).newInstance(READY_TOPIC,
                Map.of("kura.version", kuraVersion));
        Object eventAdmin = context.getService(reference);
        try {
            reference.getBundle().loadClass(EVENT_ADMIN).getMethod("postEvent", eventType).invoke(eventAdmin, ready);
        } finally {
            context.ungetService(reference);
        }
    }
}
