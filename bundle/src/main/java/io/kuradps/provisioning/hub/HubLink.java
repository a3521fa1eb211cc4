package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.api.HubConnectionEvents.REASON;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_CONNECTION_LOST;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_CONNECTION_REFUSED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_CONNECT_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_HUB_THROTTLED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_INVALID_CONFIGURATION;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_NO_CREDENTIALS;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_NO_TRANSPORT;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TLS_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TRANSPORT_NOT_TRACKED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_UNUSABLE_DEVICE_ID;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_WRITE_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REPROVISIONING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_MISCONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_REFUSED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_TOKEN_RENEWED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TRANSPORT_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.protocol.HubConnectValues;

/**
 * The hub link's core: keeps one Kura MqttDataTransport pointed at the assigned hub as the assigned device. It orders
 * the steps (sign, read, decide with {@link TransportPlan}, ready the TLS, write, read back, connect, renew) and keeps
 * the state (the assignment, the pending timer, refusals in a row, the token's expiry), and tells what happened as
 * events; Kura is behind {@link Kura}. Not thread-safe by design: {@link HubConnectionComponent} calls it from its one
 * worker thread only, and time comes from the clock and scheduler it is given.
 */
final class HubLink {

    /** Kura, as the hub link uses it; the component implements this over Kura's services. */
    interface Kura {
        /** The transport's configuration as ConfigurationService returns it; empty when Kura does not track the PID. */
        Optional<Map<String, Object>> transportConfiguration(String pid) throws Exception;

        /** Creates a raw MQTT cloud connection stack whose transport has this PID (CloudConnectionFactory). */
        void createStack(String transportPid) throws Exception;

        /**
         * The kura.service.pid of an SslManagerService bound over this keystore (the issued certificate's), if any:
         * the transport then uses it as it is.
         */
        Optional<String> sslManagerOver(String keystorePid);

        /**
         * Carries out the TLS side of a write before the transport is written: checks that an X.509 identity's
         * SslManagerService presents the device key and nothing else, sets up the one over an issued certificate's
         * keystore, adds the Azure root CAs to the keystore in use when the plan says so (once, only those missing).
         *
         * @throws HubConfigurationException naming the transport property, keystore or Kura service to set
         */
        void prepareTls(String transportPid, TlsPlan plan) throws Exception;

        /** Writes through ConfigurationService (which encrypts the password); nothing when nothing changes. */
        void writeTransport(String pid, Map<String, Object> values, PasswordChange password, boolean snapshot)
                throws Exception;

        /**
         * Returns once Kura's configuration is READY, or at once when Kura tracks this PID already (then it cannot
         * drop an update to it); bounded, and going on without READY after the bound.
         */
        void awaitConfigurationReady(String transportPid) throws Exception;

        /** Makes sure the DataService of this transport is connected; returns when it is. */
        void connect(String transportPid) throws HubConnectException, InterruptedException;

        /** Asks DPS for a fresh registration ({@code DpsProvisioning.reprovision()}). */
        void reprovision();
    }

    /** Runs a task later on the hub link's thread. */
    interface Scheduler {
        /** @return what cancels the task */
        Runnable schedule(Runnable task, Duration delay);
    }

    interface Output {
        void post(String topic, Map<String, Object> properties);
    }

    /** What the link is doing; the last three match the events of the same names. */
    enum State {
        DISABLED, WAITING_FOR_ASSIGNMENT, CONFIGURING, CONNECTING, CONNECTED, REFUSED, MISCONFIGURED, RETRYING
    }

    /** CONNACK 5 this many times in a row means the hub no longer knows the device here. */
    static final int REFUSALS_BEFORE_REPROVISIONING = 3;

    private static final Logger LOG = LoggerFactory.getLogger(HubLink.class);

    private final Kura kura;
    private final DeviceCredentials credentials;
    private final Output output;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ReconnectBackoff backoff;

    private HubLinkSettings settings;
    private Assignment assignment;
    private Runnable pending;
    private int refusals;
    private Instant tokenExpiry;
    private volatile State state = State.DISABLED;
    private volatile String lastError;

    HubLink(Kura kura, DeviceCredentials credentials, Output output, Clock clock, Scheduler scheduler,
            ReconnectBackoff backoff) {
        this.kura = kura;
        this.credentials = credentials;
        this.output = output;
        this.clock = clock;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    /** A new valid configuration: applies it to the assignment held. */
    void configure(HubLinkSettings newSettings) {
        settings = newSettings;
        cancelPending();
        if (!newSettings.enabled) {
            LOG.info("The hub link is disabled");
            state = State.DISABLED;
            return;
        }
        apply(false);
    }

    /** The assignment in force changed (fresh or from the cache), or was withdrawn (null). */
    void assignment(Assignment newAssignment) {
        boolean moved = newAssignment == null || !newAssignment.sameTarget(assignment);
        assignment = newAssignment;
        if (moved) {
            refusals = 0;
        }
        if (settings != null && settings.enabled) {
            cancelPending();
            apply(false);
        }
    }

    /** The system clock was set ({@code org/eclipse/kura/clock}): the token's expiry came from the old clock. */
    void clockSet() {
        if (state == State.CONNECTED || state == State.CONNECTING) {
            LOG.info("The clock was set; renewing the hub token");
            cancelPending();
            apply(true);
        }
    }

    /**
     * The configuration is invalid: the link stops and says why (the message names the field); the assignment held
     * stays, for the next valid configuration.
     */
    void invalidConfiguration(String problem) {
        cancelPending();
        settings = null;
        misconfigured(REASON_INVALID_CONFIGURATION, "invalid configuration: " + problem, false);
    }

    /**
     * The DataService lost the connection this link made: the hub closed it (an expired token, a device disabled or
     * deleted since) or the network went. Reconnects like a failed connect, with a fresh token, so a refusal from now
     * on counts towards re-provisioning; a renewal's own reconnect is a disconnect, not a loss.
     */
    void connectionLost(String cause) {
        if (state != State.CONNECTED) {
            return;
        }
        retrying(REASON_CONNECTION_LOST, "connection lost: " + cause, backoff.lost(clock.instant()));
        // Reconnecting: a clock set meanwhile renews at once, as while connected.
        state = State.CONNECTING;
    }

    /** One line for {@code dps:status}: state, hub and device, token expiry, last error. No secret. */
    String describe() {
        StringBuilder text = new StringBuilder(state.name());
        if (assignment != null && state != State.DISABLED) {
            text.append(": hub ").append(assignment.assignedHub()).append(" as ").append(assignment.deviceId());
        }
        if (tokenExpiry != null && state != State.DISABLED) {
            text.append(", token expires ").append(tokenExpiry);
        }
        if (assignment != null && state != State.DISABLED) {
            assignment.certificate().ifPresent(c -> text.append(", by the issued certificate (until ")
                    .append(c.notAfter()).append(')'));
        }
        if (lastError != null && state != State.DISABLED && state != State.CONNECTED) {
            text.append(", error: ").append(lastError);
        }
        return text.toString();
    }

    void close() {
        cancelPending();
        state = State.DISABLED;
    }

    /** Writes the transport for the assignment held, with a fresh token, and connects; or says why it cannot. */
    private void apply(boolean renewal) {
        if (assignment == null) {
            state = State.WAITING_FOR_ASSIGNMENT;
            return;
        }
        Optional<String> unusable = HubConnectValues.unusableDeviceId(assignment.deviceId());
        if (unusable.isPresent()) {
            misconfigured(REASON_UNUSABLE_DEVICE_ID, unusable.get(), false);
            return;
        }
        state = State.CONFIGURING;
        Instant issued = clock.instant();
        Optional<HubCredential> credential = credential(issued);
        if (!credential.isPresent()) {
            return;
        }
        if (!write(credential.get())) {
            return;
        }
        tokenExpiry = credential.get().expiry().orElse(null);
        post(renewal ? TOPIC_TOKEN_RENEWED : TOPIC_CONFIGURED, Collections.emptyMap());
        if (tokenExpiry != null) {
            Duration delay = settings.renewal.delay(issued, clock.instant());
            pending = scheduler.schedule(this::renew, delay);
        }
        connect();
    }

    /**
     * Reads the transport (creating it when allowed), decides what to write ({@link TransportPlan}), readies its TLS,
     * writes and reads back.
     *
     * @return whether the transport shows what was written; when not, why was told (and a retry scheduled where a
     *         retry may help)
     */
    private boolean write(HubCredential credential) {
        String pid = settings.transportPid;
        try {
            Optional<Map<String, Object>> current = readOrCreateTransport(pid);
            if (!current.isPresent()) {
                misconfigured(REASON_NO_TRANSPORT, "no MqttDataTransport with kura.service.pid " + pid + " exists"
                        + (settings.createStack ? " (creating one failed)" : "; create a raw MQTT cloud connection "
                                + "with that PID, or enable transport.create"), false);
                return false;
            }
            Optional<String> issuedSslManager = assignment.certificate().isPresent()
                    ? kura.sslManagerOver(assignment.certificate().get().keystoreServicePid()) : Optional.empty();
            TransportPlan plan = TransportPlan.decide(assignment, settings, credential, current.get(),
                    issuedSslManager);
            kura.prepareTls(pid, plan.tls());
            LOG.info("Writing transport {} for hub {} as {} by {}: {} changed, password: {}{}", pid,
                    assignment.assignedHub(), assignment.deviceId(), credential, plan.changed().keySet(),
                    plan.password(), plan.snapshot() ? ", with snapshot" : "");
            kura.writeTransport(pid, plan.changed(), plan.password(), plan.snapshot());
            kura.awaitConfigurationReady(pid);
            Map<String, Object> readBack = kura.transportConfiguration(pid).orElse(Collections.emptyMap());
            if (!plan.expected().appliedIn(readBack)) {
                misconfigured(REASON_TRANSPORT_NOT_TRACKED, "the transport " + pid + " did not take the values "
                        + "written (" + plan.expected().changedFrom(readBack).keySet() + " differ on reading back); "
                        + "Kura drops updates to a PID it does not track", false);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (HubConfigurationException e) {
            // Kura's side needs a change (a transport property, an SslManagerService): checked again on each retry.
            misconfigured(e.reason(), e.getMessage(), true);
            return false;
        } catch (Exception e) {
            retrying(REASON_WRITE_FAILED, "cannot configure transport " + pid + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), backoff.failed(clock.instant()));
            return false;
        }
    }

    /**
     * How the device authenticates this time: by the certificate DPS issued with the assignment whenever there is
     * one, whatever the onboarding attestation; else as it onboarded, with a token signed now. Empty, after saying
     * why, when there is nothing to authenticate with.
     */
    private Optional<HubCredential> credential(Instant issued) {
        DeviceCredentials.Kind kind = assignment.certificate().isPresent() ? DeviceCredentials.Kind.X509
                : credentials.kind();
        switch (kind) {
            case SYMMETRIC_KEY:
                long se = settings.renewal.expiryEpochSeconds(issued);
                Optional<String> token = credentials.hubToken(assignment.assignedHub(), assignment.deviceId(), se);
                if (!token.isPresent()) {
                    misconfigured(REASON_NO_CREDENTIALS, "the provisioning configuration holds no usable symmetric key "
                            + "to sign a hub token", false);
                    return Optional.empty();
                }
                return Optional.of(HubCredential.sasToken(token.get(), Instant.ofEpochSecond(se)));
            case X509:
                return Optional.of(HubCredential.x509());
            default:
                misconfigured(REASON_NO_CREDENTIALS, "provisioning is disabled or not validly configured: there are "
                        + "no device credentials", false);
                return Optional.empty();
        }
    }

    /**
     * The transport's configuration; before Kura's configuration READY, a transport restored from the snapshot may
     * not be tracked yet, so it is taken for absent only after READY, and then created when allowed.
     */
    private Optional<Map<String, Object>> readOrCreateTransport(String pid) throws Exception {
        Optional<Map<String, Object>> current = kura.transportConfiguration(pid);
        if (!current.isPresent()) {
            kura.awaitConfigurationReady(pid);
            current = kura.transportConfiguration(pid);
        }
        if (!current.isPresent() && settings.createStack) {
            LOG.info("No transport {}; creating a raw MQTT cloud connection for it", pid);
            kura.createStack(pid);
            kura.awaitConfigurationReady(pid);
            current = kura.transportConfiguration(pid);
        }
        return current;
    }

    private void renew() {
        pending = null;
        LOG.info("Renewing the hub token before it expires at {}", tokenExpiry);
        apply(true);
    }

    private void connect() {
        state = State.CONNECTING;
        try {
            kura.connect(settings.transportPid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (HubConnectException e) {
            connectFailed(e);
            return;
        }
        refusals = 0;
        backoff.connected();
        lastError = null;
        state = State.CONNECTED;
        LOG.info("Connected to hub {} as {}", assignment.assignedHub(), assignment.deviceId());
        post(TOPIC_CONNECTED, Collections.emptyMap());
    }

    private void connectFailed(HubConnectException e) {
        switch (e.kind()) {
            case SERVER_UNAVAILABLE:
                retrying(REASON_HUB_THROTTLED, "hub " + assignment.assignedHub() + " is not taking connections now "
                        + "(CONNACK 3, server unavailable: IoT Hub's answer to connects beyond its rate): "
                        + e.getMessage(), backoff.throttled(clock.instant()));
                break;
            case CONNECTION_REFUSED:
                retrying(REASON_CONNECTION_REFUSED, "hub " + assignment.assignedHub() + " refused or closed the "
                        + "connection before CONNACK (it may be restarting or shedding load): " + e.getMessage(),
                        backoff.refused(clock.instant()));
                break;
            case NOT_AUTHORIZED:
                refusals++;
                if (refusals >= REFUSALS_BEFORE_REPROVISIONING && credentials.reprovisionsOnHubError()) {
                    cancelPending();
                    refusedByHub("hub " + assignment.assignedHub() + " refused device " + assignment.deviceId()
                            + " " + refusals + " times (CONNACK 5, not authorized): it was deleted, disabled or "
                            + "moved; asking DPS for a fresh assignment", true);
                    refusals = 0;
                    kura.reprovision();
                    return;
                }
                refusedByHub("hub " + assignment.assignedHub() + " refused device " + assignment.deviceId()
                        + " (CONNACK 5, not authorized, " + refusals + " in a row)", false);
                break;
            case TLS:
                String keystore = assignment.certificate().map(c -> "the keystore " + c.keystoreServicePid()
                        + " of the issued certificate").orElse("the SSL keystore of this transport");
                retrying(REASON_TLS_FAILED, "TLS with hub " + assignment.assignedHub() + " failed (" + e.getMessage()
                        + "): " + keystore + " probably lacks the hub's root CA (DigiCert Global Root G2); "
                        + (settings.addAzureRoots ? "it was added (azure.root.cas): check the keystore the "
                                + "transport's SslManagerService.target names"
                                : "enable azure.root.cas to add the Azure root CAs"), backoff.failed(clock.instant()));
                break;
            default:
                retrying(REASON_CONNECT_FAILED, "cannot connect to hub " + assignment.assignedHub() + ": "
                        + e.getMessage(), backoff.failed(clock.instant()));
                break;
        }
    }

    /** The hub refused the device (CONNACK 5); tried again later unless DPS is asked for a fresh assignment. */
    private void refusedByHub(String message, boolean reprovisioning) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(REPROVISIONING, reprovisioning);
        if (!reprovisioning) {
            properties.put(RETRY_AT, scheduleRetry(backoff.failed(clock.instant())).toEpochMilli());
        }
        report(State.REFUSED, TOPIC_REFUSED, message, properties);
    }

    /**
     * The link cannot work as configured: its configuration, the assignment, the provisioner's or Kura's side must
     * change first.
     *
     * @param recheck whether to check again later (Kura's side may change without telling the link)
     */
    private void misconfigured(String reason, String message, boolean recheck) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(REASON, reason);
        if (recheck) {
            properties.put(RETRY_AT, scheduleRetry(backoff.failed(clock.instant())).toEpochMilli());
        }
        report(State.MISCONFIGURED, TOPIC_MISCONFIGURED, message, properties);
    }

    /**
     * Something failed that may work when tried again: connecting, TLS, the connection, writing the transport.
     *
     * @param delay the wait {@link ReconnectBackoff} chose for this cause
     */
    private void retrying(String reason, String message, Duration delay) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(REASON, reason);
        properties.put(RETRY_AT, scheduleRetry(delay).toEpochMilli());
        report(State.RETRYING, TOPIC_RETRYING, message, properties);
    }

    private void report(State newState, String topic, String message, Map<String, Object> properties) {
        LOG.warn("Hub link {}: {}", newState, message);
        state = newState;
        lastError = message;
        properties.put(ERROR_MESSAGE, message);
        post(topic, properties);
    }

    /**
     * Applies the assignment again after {@code delay}, with a fresh token: the one written may be what the hub
     * refused (a wrong clock).
     *
     * @return when
     */
    private Instant scheduleRetry(Duration delay) {
        cancelPending();
        pending = scheduler.schedule(() -> {
            pending = null;
            apply(false);
        }, delay);
        return clock.instant().plus(delay);
    }

    /** Posts a hub link event: hub, device and transport, the token's expiry when there is one, and the time. */
    private void post(String topic, Map<String, Object> specific) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (assignment != null) {
            properties.put(ASSIGNED_HUB, assignment.assignedHub());
            properties.put(DEVICE_ID, assignment.deviceId());
        }
        if (settings != null) {
            properties.put(TRANSPORT_PID, settings.transportPid);
        }
        if (tokenExpiry != null && (TOPIC_CONFIGURED.equals(topic) || TOPIC_TOKEN_RENEWED.equals(topic)
                || TOPIC_CONNECTED.equals(topic))) {
            properties.put(TOKEN_EXPIRY, tokenExpiry.toEpochMilli());
        }
        properties.putAll(specific);
        properties.put(TIMESTAMP, clock.millis());
        output.post(topic, properties);
    }

    private void cancelPending() {
        if (pending != null) {
            pending.run();
            pending = null;
        }
    }
}
