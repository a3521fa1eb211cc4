package io.kuradps.runtime.support.outcome;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.provisioning.api.ProvisioningEvents;

/**
 * Hands each ASSIGNED or FAILED provisioning event, and every event of the hub link, to the launcher outside the
 * framework. The launcher registers a
 * {@link Consumer} on the system bundle: java.* types are the only ones both sides load from the same class
 * loader, so no package has to be exported from the class path into the framework.
 */
@Component(property = {
        EventConstants.EVENT_TOPIC + "=" + ProvisioningEvents.TOPIC_ASSIGNED,
        EventConstants.EVENT_TOPIC + "=" + ProvisioningEvents.TOPIC_FAILED,
        EventConstants.EVENT_TOPIC + "=" + HubConnectionEvents.TOPIC_ALL })
public final class OutcomeForwarder implements EventHandler {

    /** Service property the launcher puts on its outcome listener. */
    public static final String LISTENER_PROPERTY = "kuradps.runtime.outcome.listener";

    @Reference(service = Consumer.class, target = "(" + LISTENER_PROPERTY + "=true)")
    private Consumer<Map<String, Object>> listener;

    @Override
    public void handleEvent(Event event) {
        Map<String, Object> properties = new HashMap<>();
        for (String name : event.getPropertyNames()) {
            properties.put(name, event.getProperty(name));
        }
        this.listener.accept(Collections.unmodifiableMap(properties));
    }
}
