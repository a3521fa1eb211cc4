package org.eclipse.kura.configuration;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.event.Event;

/** The event Kura posts once the network configuration is applied, as Kura 5.0 declares it. */
@ProviderType
public class KuraNetConfigReadyEvent extends Event {

    public static final String KURA_NET_CONFIG_EVENT_READY_TOPIC =
            "org/eclipse/kura/configuration/NetConfigEvent/READY";

    public KuraNetConfigReadyEvent(Map<String, ?> properties) {
        super(KURA_NET_CONFIG_EVENT_READY_TOPIC, properties);
    }
}
