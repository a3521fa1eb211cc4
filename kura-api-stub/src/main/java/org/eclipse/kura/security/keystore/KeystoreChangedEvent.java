package org.eclipse.kura.security.keystore;

import java.util.Collections;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.event.Event;

/** Posted by a KeystoreService when its entries changed, naming its kura.service.pid, as Kura 5.0 declares it. */
@ProviderType
public class KeystoreChangedEvent extends Event {

    public static final String EVENT_TOPIC = "org/eclipse/kura/security/keystore/KeystoreChangedEvent/KEYSTORE_CHANGED";

    public static final String SENDER_PID_PROPERTY_KEY = "sender.pid";

    public KeystoreChangedEvent(final String keystoreServicePid) {
        super(EVENT_TOPIC, Collections.singletonMap(SENDER_PID_PROPERTY_KEY, keystoreServicePid));
    }

    public String getSenderPid() {
        return (String) getProperty(SENDER_PID_PROPERTY_KEY);
    }
}
