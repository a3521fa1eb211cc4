package io.kuradps.provisioning.api;

/** EventAdmin topics and the property names carried by events and by the provisioning service. */
public final class ProvisioningEvents {

    /** Topic prefix; the action follows the last slash, as in Kura's own event topics. */
    public static final String TOPIC_PREFIX = "io/kuradps/provisioning/ProvisioningEvent/";
    public static final String TOPIC_STARTED = TOPIC_PREFIX + "STARTED";
    public static final String TOPIC_ASSIGNED = TOPIC_PREFIX + "ASSIGNED";
    public static final String TOPIC_RETRYING = TOPIC_PREFIX + "RETRYING";
    public static final String TOPIC_FAILED = TOPIC_PREFIX + "FAILED";
    /** Subscribe to this to hear every provisioning event. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    private ProvisioningEvents() {
    }
}
