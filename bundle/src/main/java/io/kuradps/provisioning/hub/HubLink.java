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
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.protocol.HubConnectValues;

/**
 * The hub link's core: keeps one Kura MqttDataTransport pointed at the assigned hub as the assigned device. It orders
 * the steps (read, decide with {@link TransportPlan}, ready the TLS, sign, write, connect, renew) and keeps the state
 * (the assignment, the pending timer, refusals in a row, the token, the connection it made), and tells what happened
 * as events; Kura is behind {@link Kura}. It reconnects once whenever Kura drops that connection for a reason of its
 * own (kura.md, "Measured in real Kura 5.5"). Not thread-safe by design: {@link HubConnectionComponent} calls it from
 * its one worker thread only, and time comes from the clock and scheduler it is given.
 */
final class HubLink {

    /** Kura, as the hub link uses it; the component implements this over Kura's services. */
    interface Kura {
        /** The transport's configuration as ConfigurationService returns it; empty when Kura does not track the PID. */
        Optional<Map<String, Object>> transportConfiguration(String pid) throws Exception;

        /**
         * Whether Kura holds a configuration of this PID it does not track (yet): one restored from the snapshot
         * whose component has not registered. Then waits, bounded, until Kura tracks it. False when nothing names the
         * PID: it does not exist.
         */
        boolean awaitTracked(String pid) throws Exception;

        /** Creates a raw MQTT cloud connection stack whose transport has this PID (CloudConnectionFactory). */
        void createStack(String transportPid) throws Exception;

        /**
         * What Kura's SslManagerServices hold: the one bound over this keystore (of the key to present), if any, and
         * the keystores that the one this target selects (the transport's) and Kura's default one trust.
         */
        SslManagersSeen sslManagersSeen(Optional<String> keyKeystorePid, String transportSslManagerTarget);

        /**
         * Carries out the TLS side of a write before the transport is written: checks that an X.509 identity's
         * SslManagerService presents the device key and nothing else, sets up the one over the keystore of the key
         * to present (an issued certificate's, an X.509 enrollment's), adds the Azure root CAs to the keystore in use when the plan says so (once, only those missing),
         * and returns once Kura has acted on what that changed.
         *
         * @throws HubConfigurationException naming the transport property, keystore or Kura service to set
         */
        void prepareTls(String transportPid, TlsPlan plan) throws Exception;

        /** Whether the DataService of this transport is connected now. */
        boolean isConnected(String transportPid);

        /** Has the DataService of this transport disconnect, letting messages in flight complete (bounded). */
        void disconnect(String transportPid);

        /** Writes through ConfigurationService (which encrypts the password); nothing when nothing changes. */
        void writeTransport(String pid, Map<String, Object> values, PasswordChange password, boolean snapshot)
                throws Exception;

        /** Returns once the transport took the configuration last written (bounded), at once without a write. */
        void awaitApplied(String transportPid) throws InterruptedException;

        /**
         * Makes sure the DataService of this transport is connected; returns when it is.
         *
         * @return which connection of the DataService that is: how many it established so far, as its listener
         *         counts them ({@link #connectionLost} and the other callbacks carry the same count)
         */
        long connect(String transportPid) throws HubConnectException, InterruptedException;

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
    /**
     * How long Kura's own reconnect may take after Kura disconnected the transport (its configuration was written, an
     * SslManagerService came): DataServiceImpl.onConfigurationUpdated connects again at once when it was connected,
     * and logs a failure without telling anyone, so after this the link connects itself.
     */
    static final Duration KURA_RECONNECT_GRACE = Duration.ofSeconds(2);
    /**
     * After a keystore change Kura's SslManagerService closes every SSL transport, on the EventAdmin thread and
     * telling no listener (kura.md fact 3); the link looks this often whether its connection went...
     */
    static final Duration CUT_POLL = Duration.ofMillis(100);
    /** ...for this long: Paho's forced close in Kura's MqttDataTransport waits up to 2 s quiesce and 2 s more. */
    static final Duration CUT_WAIT = Duration.ofSeconds(5);
    /**
     * A connect that found Kura's transport still closing its last connection is tried again this soon, without a
     * RETRYING, for as long as {@link #CUT_WAIT}: the close ends within it, and a backoff of seconds would only add
     * to the time offline (measured in real Kura 5.5: 2.5 s more after a keystore change).
     */
    static final Duration CLOSING_POLL = Duration.ofMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(HubLink.class);

    private final Kura kura;
    private final DeviceCredentials credentials;
    private final Output output;
    private final Clock clock;
    private final Scheduler scheduler;
    private final ReconnectBackoff backoff;

    private HubLinkSettings settings;
    /** The problem of the invalid configuration reported last; the same one again is not reported twice. */
    private String invalidProblem;
    private Assignment assignment;
    /** The renewal, or the next attempt. */
    private Runnable pending;
    /** Looking after a connection Kura dropped or may drop: waiting for its own reconnect, or for the cut. */
    private Runnable watch;
    /** Until when a connect that finds the transport still closing is tried again at once; null when none did. */
    private Instant closingWaitEnds;
    private Instant cutWatchEnds;
    private int refusals;
    /** When the token in the transport was signed, and when it expires; null for X.509 or before the first. */
    private Instant tokenIssued;
    private Instant tokenExpiry;
    /** The DataService's connection the link knows of: callbacks about an older one are stale. */
    private long connection;
    /** Write every value next time: Kura's transport had no client configuration to connect with. */
    private boolean rewriteTransport;
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

    /**
     * A valid configuration: applies it to the assignment held, unless it equals the one in force (Kura writes every
     * configuration again at each boot, kura.md fact 1: that changes nothing).
     */
    void configure(HubLinkSettings newSettings) {
        if (newSettings.equals(settings)) {
            LOG.info("The hub link's configuration is unchanged; nothing to do");
            return;
        }
        settings = newSettings;
        invalidProblem = null;
        cancelPending();
        cancelWatch();
        if (!newSettings.enabled) {
            LOG.info("The hub link is disabled");
            state = State.DISABLED;
            return;
        }
        apply(false);
    }

    /**
     * The assignment in force changed (fresh or from the cache), or was withdrawn (null). One that names the same hub,
     * device and certificate as the one held changes nothing while the link is connected or about to act (a cached
     * assignment confirmed by DPS, the same one published again).
     */
    void assignment(Assignment newAssignment) {
        boolean moved = newAssignment == null || !newAssignment.sameTarget(assignment);
        boolean sameForTheLink = !moved && Objects.equals(newAssignment.certificate(), assignment.certificate());
        assignment = newAssignment;
        if (moved) {
            refusals = 0;
        }
        if (settings == null || !settings.enabled) {
            return;
        }
        if (sameForTheLink && (state == State.CONNECTED || pending != null || watch != null)) {
            LOG.info("The assignment names the same hub, device and certificate; the hub link goes on as it is");
            return;
        }
        cancelPending();
        cancelWatch();
        apply(false);
    }

    /** The system clock was set ({@code org/eclipse/kura/clock}): the token's expiry came from the old clock. */
    void clockSet() {
        if (state == State.CONNECTED || state == State.CONNECTING) {
            LOG.info("The clock was set; renewing the hub token");
            cancelPending();
            cancelWatch();
            apply(true);
        }
    }

    /**
     * The configuration is invalid: the link stops and says why (the message names the field); the assignment held
     * stays, for the next valid configuration. The same problem again (Kura's re-write at boot) is not told twice.
     */
    void invalidConfiguration(String problem) {
        if (settings == null && problem.equals(invalidProblem)) {
            return;
        }
        cancelPending();
        cancelWatch();
        settings = null;
        invalidProblem = problem;
        misconfigured(REASON_INVALID_CONFIGURATION, "invalid configuration: " + problem, false);
    }

    /**
     * The DataService lost the connection this link made: the hub closed it (an expired token, a device disabled or
     * deleted since) or the network went. Reconnects like a failed connect, with a fresh token, so a refusal from now
     * on counts towards re-provisioning. A loss of an earlier connection, told after the link connected again, is
     * stale and changes nothing.
     *
     * @param lostConnection the connection lost, as {@link Kura#connect} counts them
     */
    void connectionLost(String cause, long lostConnection) {
        if (state != State.CONNECTED || lostConnection != connection) {
            return;
        }
        cancelWatch();
        retrying(REASON_CONNECTION_LOST, "connection lost: " + cause, backoff.lost(clock.instant()));
        // Reconnecting: a clock set meanwhile renews at once, as while connected.
        state = State.CONNECTING;
    }

    /**
     * Someone else had the DataService disconnect the connection this link made: a write of the transport's
     * configuration, an SslManagerService bound anew (Kura then connects again by itself, at once, if it was
     * connected), a disconnect through Kura's web UI. Waits {@link #KURA_RECONNECT_GRACE} for Kura's own reconnect,
     * then connects itself if it is still down.
     */
    void disconnectedByKura(long droppedConnection) {
        if (state != State.CONNECTED || droppedConnection != connection) {
            return;
        }
        LOG.info("Kura disconnected the transport {} (its configuration or SslManagerService changed, or someone "
                + "disconnected it); waiting {} ms for Kura's own reconnect", settings.transportPid,
                KURA_RECONNECT_GRACE.toMillis());
        state = State.CONNECTING;
        lastError = "Kura disconnected the transport; reconnecting";
        watch(KURA_RECONNECT_GRACE, this::reconnect);
    }

    /**
     * The DataService connected by someone else's call: Kura's own reconnect after it disconnected the transport, or
     * its auto-connect. Taken as the link's connection when the link was waiting for one.
     */
    void connectedByKura(long newConnection) {
        if (newConnection <= connection) {
            return;
        }
        connection = newConnection;
        if (state == State.CONNECTING || state == State.RETRYING) {
            LOG.info("Kura connected the transport {} by itself", settings.transportPid);
            cancelWatch();
            cancelPending();
            scheduleRenewal();
            connected();
        }
    }

    /**
     * A keystore changed ({@code KeystoreChangedEvent}): Kura's SslManagerServices then close every SSL transport
     * and nothing connects it again, nor is any listener told (kura.md fact 3). Watches the connection for
     * {@link #CUT_WAIT} and connects again once, at once, if it went.
     */
    void keystoreChanged() {
        if (state != State.CONNECTED) {
            return;
        }
        cutWatchEnds = clock.instant().plus(CUT_WAIT);
        if (watch == null) {
            watch(CUT_POLL, this::checkCut);
        }
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
        cancelWatch();
        state = State.DISABLED;
    }

    /**
     * Writes the transport for the assignment held, a fresh token signed right before the write, and connects; or
     * says why it cannot.
     */
    private void apply(boolean renewal) {
        cancelWatch();
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
        DeviceCredentials.Kind onboarding = credentials.kind();
        if (!assignment.certificate().isPresent() && onboarding == DeviceCredentials.Kind.NONE) {
            misconfigured(REASON_NO_CREDENTIALS, "provisioning is disabled or not validly configured: there are "
                    + "no device credentials", false);
            return;
        }
        Optional<Written> written = write(onboarding);
        if (!written.isPresent()) {
            return;
        }
        tokenIssued = written.get().token ? written.get().issued : null;
        tokenExpiry = written.get().credential.expiry().orElse(null);
        if (written.get().wrote) {
            post(renewal ? TOPIC_TOKEN_RENEWED : TOPIC_CONFIGURED, Collections.emptyMap());
        }
        scheduleRenewal();
        try {
            kura.awaitApplied(settings.transportPid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (renewalDue()) {
            // Kura took so long to take the token that it is due for renewal: a fresh one, not a connect with it.
            retrying(REASON_WRITE_FAILED, "transport " + settings.transportPid + " took the token written only "
                    + Duration.between(tokenIssued, clock.instant()).getSeconds() + " s later; writing a fresh one",
                    backoff.failed(clock.instant()));
            return;
        }
        connect();
    }

    /** What one write did: how the device authenticates now, and whether anything was written. */
    private static final class Written {
        final HubCredential credential;
        final Instant issued;
        final boolean token;
        final boolean wrote;

        Written(HubCredential credential, Instant issued, boolean wrote) {
            this.credential = credential;
            this.issued = issued;
            this.token = credential.token().isPresent();
            this.wrote = wrote;
        }
    }

    /**
     * Reads the transport (creating it when allowed), decides what to write ({@link TransportPlan}), readies its TLS,
     * disconnects it if it is connected (so that Kura does not reconnect with what it holds while the link connects
     * too: exactly one party reconnects, and with the token written), signs the token, writes and reads back.
     *
     * @param onboarding how the device onboarded (an issued certificate wins over it)
     * @return what was written; empty when the transport does not show it, after saying why (and scheduling a retry
     *         where a retry may help)
     */
    private Optional<Written> write(DeviceCredentials.Kind onboarding) {
        String pid = settings.transportPid;
        try {
            Optional<Map<String, Object>> current = readOrCreateTransport(pid);
            if (!current.isPresent()) {
                return Optional.empty();
            }
            Optional<KeystoreKey> enrollmentKey = credentials.enrollmentKey();
            SslManagersSeen seen = kura.sslManagersSeen(
                    TransportPlan.keyToPresent(assignment, onboarding, enrollmentKey).map(KeystoreKey::keystorePid),
                    KuraReferences.sslManagerTarget(current.get()));
            TransportPlan plan = TransportPlan.decide(assignment, settings, onboarding, enrollmentKey, current.get(),
                    seen, rewriteTransport);
            kura.prepareTls(pid, plan.tls());
            if (!plan.writes()) {
                LOG.info("Transport {} holds the values for hub {} as {} already; nothing to write", pid,
                        assignment.assignedHub(), assignment.deviceId());
                return Optional.of(new Written(HubCredential.x509(), clock.instant(), false));
            }
            if (kura.isConnected(pid)) {
                LOG.info("Disconnecting transport {} before writing it; the hub link connects it again once it took "
                        + "the values", pid);
                kura.disconnect(pid);
            }
            Instant issued = clock.instant();
            Optional<HubCredential> credential = plan.password().setsToken() ? sign(issued)
                    : Optional.of(HubCredential.x509());
            if (!credential.isPresent()) {
                return Optional.empty();
            }
            PasswordChange password = plan.password().signedWith(credential.get().token().orElse(null));
            LOG.info("Writing transport {} for hub {} as {} by {}: {} {}, password: {}{}", pid,
                    assignment.assignedHub(), assignment.deviceId(), credential.get(), plan.changed().keySet(),
                    rewriteTransport ? "written again" : "changed", password, plan.snapshot() ? ", with snapshot" : "");
            kura.writeTransport(pid, plan.changed(), password, plan.snapshot());
            rewriteTransport = false;
            Map<String, Object> readBack = kura.transportConfiguration(pid).orElse(Collections.emptyMap());
            if (!plan.expected().appliedIn(readBack)) {
                misconfigured(REASON_TRANSPORT_NOT_TRACKED, "the transport " + pid + " did not take the values "
                        + "written (" + plan.expected().changedFrom(readBack).keySet() + " differ on reading back); "
                        + "Kura drops updates to a PID it does not track", false);
                return Optional.empty();
            }
            return Optional.of(new Written(credential.get(), issued, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (HubConfigurationException e) {
            // Kura's side needs a change (a transport property, an SslManagerService): checked again on each retry.
            misconfigured(e.reason(), e.getMessage(), true);
            return Optional.empty();
        } catch (Exception e) {
            retrying(REASON_WRITE_FAILED, "cannot configure transport " + pid + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), backoff.failed(clock.instant()));
            return Optional.empty();
        }
    }

    /** A token for the assignment, signed now; empty, after saying why, when the provisioner cannot sign one. */
    private Optional<HubCredential> sign(Instant issued) {
        long se = settings.renewal.expiryEpochSeconds(issued);
        Optional<String> token = credentials.hubToken(assignment.assignedHub(), assignment.deviceId(), se);
        if (!token.isPresent()) {
            misconfigured(REASON_NO_CREDENTIALS, "the provisioning configuration holds no usable symmetric key to "
                    + "sign a hub token", false);
            return Optional.empty();
        }
        return Optional.of(HubCredential.sasToken(token.get(), Instant.ofEpochSecond(se)));
    }

    /**
     * The transport's configuration, its stack created when it does not exist and that is allowed; empty, after
     * saying why, when there is none. Kura tracks every factory configuration of its snapshot from its own start
     * (ConfigurationServiceImpl.activate, before any add-on), and a stack it creates from the call on; only a
     * configuration it holds but does not track yet is waited for, never Kura's READY, which a headless Kura never
     * posts.
     */
    private Optional<Map<String, Object>> readOrCreateTransport(String pid) throws Exception {
        Optional<Map<String, Object>> current = kura.transportConfiguration(pid);
        if (current.isPresent()) {
            return current;
        }
        if (kura.awaitTracked(pid)) {
            current = kura.transportConfiguration(pid);
            if (!current.isPresent()) {
                misconfigured(REASON_TRANSPORT_NOT_TRACKED, "Kura holds a configuration of transport " + pid
                        + " but does not track it (its component did not register)", true);
            }
            return current;
        }
        if (settings.createStack) {
            LOG.info("No transport {}; creating a raw MQTT cloud connection for it", pid);
            kura.createStack(pid);
            current = kura.transportConfiguration(pid);
        }
        if (!current.isPresent()) {
            misconfigured(REASON_NO_TRANSPORT, "no MqttDataTransport with kura.service.pid " + pid + " exists"
                    + (settings.createStack ? " (creating one failed)" : "; create a raw MQTT cloud connection "
                            + "with that PID, or enable transport.create"), false);
        }
        return current;
    }

    private void renew() {
        pending = null;
        LOG.info("Renewing the hub token before it expires at {}", tokenExpiry);
        apply(true);
    }

    /** Schedules the renewal of the token in the transport, if there is one. */
    private void scheduleRenewal() {
        if (tokenIssued != null) {
            cancelPending();
            pending = scheduler.schedule(this::renew, settings.renewal.delay(tokenIssued, clock.instant()));
        }
    }

    /** Whether the token in the transport is at its renewal point already. */
    private boolean renewalDue() {
        return tokenIssued != null && settings.renewal.delay(tokenIssued, clock.instant()).isZero();
    }

    /** Kura dropped the connection this link made: connects again, with a fresh token if this one is due. */
    private void reconnect() {
        watch = null;
        if (renewalDue()) {
            cancelPending();
            apply(true);
            return;
        }
        connect();
    }

    /** Whether Kura closed the transport after a keystore change; looks again until the watch ends. */
    private void checkCut() {
        watch = null;
        if (state != State.CONNECTED) {
            return;
        }
        if (!kura.isConnected(settings.transportPid)) {
            LOG.info("Kura closed transport {} after a keystore change; connecting it again", settings.transportPid);
            state = State.CONNECTING;
            lastError = "Kura closed the transport after a keystore change; reconnecting";
            reconnect();
        } else if (clock.instant().isBefore(cutWatchEnds)) {
            watch(CUT_POLL, this::checkCut);
        }
    }

    private void connect() {
        state = State.CONNECTING;
        try {
            connection = kura.connect(settings.transportPid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (HubConnectException e) {
            connectFailed(e);
            return;
        }
        connected();
    }

    /** Connects once the transport closed its last connection, unless the link moved on meanwhile. */
    private void connectAfterClose() {
        watch = null;
        if (state == State.CONNECTING) {
            connect();
        }
    }

    private void connected() {
        refusals = 0;
        closingWaitEnds = null;
        backoff.connected();
        lastError = null;
        state = State.CONNECTED;
        LOG.info("Connected to hub {} as {}", assignment.assignedHub(), assignment.deviceId());
        post(TOPIC_CONNECTED, Collections.emptyMap());
    }

    private void connectFailed(HubConnectException e) {
        if (e.kind() != HubConnectException.Kind.CLIENT_CLOSING) {
            closingWaitEnds = null;
        }
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
                retrying(REASON_TLS_FAILED, "TLS with hub " + assignment.assignedHub() + " failed (" + e.getMessage()
                        + "): the keystore the transport's SslManagerService trusts (Kura's SSLKeystore unless it "
                        + "was told otherwise) probably lacks the hub's root CA (DigiCert Global Root G2); "
                        + (settings.addAzureRoots ? "it was added (azure.root.cas): check the keystore the "
                                + "transport's SslManagerService.target names"
                                : "enable azure.root.cas to add the Azure root CAs"), backoff.failed(clock.instant()));
                break;
            case CLIENT_CLOSING:
                if (closingWaitEnds == null) {
                    closingWaitEnds = clock.instant().plus(CUT_WAIT);
                }
                if (clock.instant().isBefore(closingWaitEnds)) {
                    LOG.info("Transport {} is still closing its last connection; connecting again in {} ms",
                            settings.transportPid, CLOSING_POLL.toMillis());
                    watch(CLOSING_POLL, this::connectAfterClose);
                    return;
                }
                closingWaitEnds = null;
                retrying(REASON_CONNECT_FAILED, "cannot connect to hub " + assignment.assignedHub() + ": transport "
                        + settings.transportPid + " was still closing its last connection after " + CUT_WAIT.getSeconds()
                        + " s: " + e.getMessage(), backoff.failed(clock.instant()));
                break;
            case TRANSPORT_INVALID:
                // Kura builds the transport's client only when its configuration is written: write it all again.
                rewriteTransport = true;
                retrying(REASON_CONNECT_FAILED, "transport " + settings.transportPid + " has no client configuration "
                        + "to connect with (Kura builds one only when the configuration is written; it is written "
                        + "again): " + e.getMessage(), backoff.failed(clock.instant()));
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

    private void watch(Duration delay, Runnable task) {
        cancelWatch();
        watch = scheduler.schedule(task, delay);
    }

    private void cancelWatch() {
        if (watch != null) {
            watch.run();
            watch = null;
        }
    }
}
