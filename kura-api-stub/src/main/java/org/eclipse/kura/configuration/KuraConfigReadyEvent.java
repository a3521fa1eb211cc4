package org.eclipse.kura.configuration;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.event.Event;

/** The event Kura's ConfigurationService posts once it has pushed the snapshot into ConfigAdmin at start. */
@ProviderType
public class KuraConfigReadyEvent extends Event {

    public static final String KURA_CONFIG_EVENT_READY_TOPIC = "org/eclipse/kura/configuration/ConfigEvent/READY";

    public KuraConfigReadyEvent(Map<String, ?> properties) {
        super(KURA_CONFIG_EVENT_READY_TOPIC, properties);
    }
}
