package io.kuradps.runtime.support.consumer;

import java.util.Arrays;
import java.util.StringJoiner;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.ProvisioningEvents;

/**
 * The smallest useful consumer of the provisioning bundle: one log line per provisioning event with all of
 * its properties. A bundle that connects to the assigned hub subscribes the same way.
 */
@Component(property = EventConstants.EVENT_TOPIC + "=" + ProvisioningEvents.TOPIC_ALL)
public final class ProvisioningEventLogger implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningEventLogger.class);

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        String action = topic.substring(topic.lastIndexOf('/') + 1);
        String[] names = event.getPropertyNames();
        Arrays.sort(names);
        StringJoiner properties = new StringJoiner(", ");
        for (String name : names) {
            if (!EventConstants.EVENT_TOPIC.equals(name)) {
                properties.add(name + "=" + event.getProperty(name));
            }
        }
        LOG.info("ProvisioningEvent {}: {}", action, properties);
    }
}
