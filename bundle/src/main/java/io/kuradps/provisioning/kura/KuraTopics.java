package io.kuradps.provisioning.kura;

import org.eclipse.kura.configuration.KuraConfigReadyEvent;

/** The EventAdmin topics of Kura's that the bundle's components listen to. */
public final class KuraTopics {

    /**
     * org.eclipse.kura.clock.ClockEvent.CLOCK_EVENT_TOPIC (Kura 5.0 and later), posted by Kura's clock service
     * after each synchronisation (NTP, RTC). Named as a string so the bundle imports no more of Kura for it.
     */
    public static final String CLOCK = "org/eclipse/kura/clock";

    /**
     * Kura's configuration READY: until then Kura's ConfigurationService may not track every component yet. Kura's
     * web console posts it once.
     */
    public static final String CONFIGURATION_READY = KuraConfigReadyEvent.KURA_CONFIG_EVENT_READY_TOPIC;

    private KuraTopics() {
    }
}
