package io.kuradps.provisioning.hub;

import java.util.HashMap;
import java.util.Map;

import io.kuradps.provisioning.kura.KuraReferences;

/** Every value a {@link TransportProperties} holds: what it would write to a transport holding none of them. */
final class TransportValues {

    /** No property's text is this. */
    private static final String NOTHING_LIKE = "\u0000";

    private TransportValues() {
    }

    static Map<String, Object> of(TransportProperties properties) {
        Map<String, Object> unlike = new HashMap<>();
        for (String id : new String[] { TransportProperties.BROKER_URL, TransportProperties.CLIENT_ID,
            TransportProperties.USERNAME, TransportProperties.PASSWORD, TransportProperties.CLEAN_SESSION,
            TransportProperties.LWT_TOPIC, KuraReferences.SSL_MANAGER_TARGET }) {
            unlike.put(id, NOTHING_LIKE);
        }
        return properties.changedFrom(unlike);
    }
}
