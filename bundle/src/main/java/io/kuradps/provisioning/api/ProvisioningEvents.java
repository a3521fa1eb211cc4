package io.kuradps.provisioning.api;

/**
 * EventAdmin topics and the property names carried by events and by the {@link DpsProvisioning} service.
 * Events are posted asynchronously; a bundle that starts late reads the service properties instead.
 */
public final class ProvisioningEvents {

    /** Topic prefix; the action follows the last slash, as in Kura's own event topics. */
    public static final String TOPIC_PREFIX = "io/kuradps/provisioning/ProvisioningEvent/";
    /** A registration with DPS begins. */
    public static final String TOPIC_STARTED = TOPIC_PREFIX + "STARTED";
    /** An assignment is in force: fresh from DPS ({@code source=dps}) or from the cache ({@code source=cache}). */
    public static final String TOPIC_ASSIGNED = TOPIC_PREFIX + "ASSIGNED";
    /** A registration hit a transient failure and will try again at {@code retry.at}. */
    public static final String TOPIC_RETRYING = TOPIC_PREFIX + "RETRYING";
    /** A registration, or the configuration, failed; {@code retryable} says whether a later attempt is scheduled. */
    public static final String TOPIC_FAILED = TOPIC_PREFIX + "FAILED";
    /** Subscribe to this to hear every provisioning event. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /**
     * Post (or send) an event on this topic to ask for a fresh registration, e.g. after the assigned hub refused
     * the connection. No properties are needed.
     */
    public static final String TOPIC_REQUEST_PROVISION = "io/kuradps/provisioning/ProvisioningRequest/PROVISION";

    /** Host name of the assigned IoT hub (String). */
    public static final String ASSIGNED_HUB = "assigned.hub";
    /** Device id in the assigned hub (String). */
    public static final String DEVICE_ID = "device.id";
    /** Registration id used with DPS (String). */
    public static final String REGISTRATION_ID = "registration.id";
    /** DPS id scope (String). */
    public static final String ID_SCOPE = "id.scope";
    /** DPS substatus such as {@code initialAssignment} or {@code deviceDataMigrated} (String, when DPS sent one). */
    public static final String SUBSTATUS = "substatus";
    /** {@code dps} for a fresh answer, {@code cache} for the persisted copy (String). */
    public static final String SOURCE = "source";
    /** JSON text returned by a custom allocation policy (String, when there was one). */
    public static final String PAYLOAD = "payload";
    /** When the assignment was made, or when the event happened for STARTED, RETRYING and FAILED (Long, epoch milliseconds). */
    public static final String TIMESTAMP = "timestamp";
    /** The hub held before, present on ASSIGNED when the hub or device changed (String). */
    public static final String PREVIOUS_HUB = "previous.hub";
    /** On ASSIGNED: true when this assignment names another hub or device than the one held before (Boolean). */
    public static final String HUB_CHANGED = "hub.changed";

    /** SHA-256 fingerprint of the certificate DPS issued, upper-case hex (String, when one was issued). */
    public static final String CERTIFICATE_FINGERPRINT = "certificate.sha256";

    /** When the issued certificate expires (Long, epoch milliseconds, when one was issued). */
    public static final String CERTIFICATE_NOT_AFTER = "certificate.not.after";

    /** kura.service.pid of the KeystoreService holding the issued certificate and its key (String, when one was issued). */
    public static final String CERTIFICATE_KEYSTORE_PID = "certificate.keystore.service.pid";

    /** Alias of the issued certificate's key entry in that KeystoreService (String, when one was issued). */
    public static final String CERTIFICATE_ALIAS = "certificate.alias";

    /** DPS error code (e.g. 401002), HTTP-like status, or 0 for a local cause (Integer). */
    public static final String ERROR_CODE = "error.code";
    /** What went wrong and what to check; never contains secrets (String). */
    public static final String ERROR_MESSAGE = "error.message";
    /** Whether another attempt will be made without a configuration change (Boolean). */
    public static final String RETRYABLE = "retryable";
    /**
     * The number of an attempt within this provisioning run, from 1, counted alike on both events (Integer): on
     * RETRYING the attempt that just failed (the next one goes out at {@code retry.at}); on FAILED the attempt that
     * ended the run, so it is also the number of attempts the run made; 0 on a FAILED for which nothing was sent.
     */
    public static final String ATTEMPT = "attempt";
    /** On RETRYING when the next attempt is due; on FAILED when the next run starts (Long, epoch milliseconds). */
    public static final String RETRY_AT = "retry.at";

    private ProvisioningEvents() {
    }
}
