package io.kuradps.provisioning.kura;

import org.eclipse.kura.security.keystore.KeystoreChangedEvent;

/** The EventAdmin topics of Kura's that the bundle's components listen to. */
public final class KuraTopics {

    /**
     * org.eclipse.kura.clock.ClockEvent.CLOCK_EVENT_TOPIC (Kura 5.0 and later), posted by Kura's clock service
     * after each synchronisation (NTP, RTC). Named as a string so the bundle imports no more of Kura for it.
     */
    public static final String CLOCK = "org/eclipse/kura/clock";

    /**
     * A KeystoreService's entries changed (Kura 5.0 and later): Kura's SslManagerServices then close every SSL
     * transport and tell none of its listeners (kura.md, "Measured in real Kura 5.5", fact 3).
     */
    public static final String KEYSTORE_CHANGED = KeystoreChangedEvent.EVENT_TOPIC;

    private KuraTopics() {
    }
}
