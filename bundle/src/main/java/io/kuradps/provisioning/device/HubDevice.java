package io.kuradps.provisioning.device;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.device.DeviceTwin;
import io.kuradps.provisioning.iothub.BackoffWaits;
import io.kuradps.provisioning.iothub.DesiredConfiguration;
import io.kuradps.provisioning.iothub.HubTopics;
import io.kuradps.provisioning.iothub.TwinAction;
import io.kuradps.provisioning.iothub.TwinSection;
import io.kuradps.provisioning.iothub.TwinSession;
import io.kuradps.provisioning.protocol.RetryDelays;

/**
 * The device twin over the hub link's connection: feeds the {@link TwinSession} with the connection's events and
 * the hub's twin messages and carries out what it asks (subscribe, publish, its one timer), subscribes to direct
 * methods beside it, keeps the reported provisioning state ({@value DeviceTwin#KURA_DPS}) and the desired
 * configuration's outcome ({@value DeviceTwin#KURA_CONFIGURATION}) wanted, and tells its {@link Listener} what the
 * twin holds. At every connect it subscribes again and reads the whole twin, as Microsoft asks. Called on one thread
 * (the component's worker, which also runs its timers); owns no thread.
 */
final class HubDevice {

    /** The hub connection, as Kura's DataService offers it; every call may throw Kura's exceptions. */
    interface Connection {
        void subscribe(String filter) throws Exception;

        void unsubscribe(String filter) throws Exception;

        void publish(String topic, byte[] payload) throws Exception;
    }

    /** Who hears what the twin holds. */
    interface Listener {
        /** The desired section, whole after a connect ({@code patch} null) or with a pushed patch merged in. */
        void desiredChanged(TwinSection desired, TwinSection patch);

        /** The reported section as the hub now holds it. */
        void reportedHeld(TwinSection reported);
    }

    /** How long the hub may take to answer a twin request before it is sent again. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The waits before a twin request (or the subscriptions) is sent again after the n-th consecutive 429, 5xx,
     * missing answer or failed subscription: full jitter from this first cap, doubling...
     */
    static final Duration RETRY_FIRST = Duration.ofSeconds(1);
    /** ...up to this one (bundle/README.md, "Waits"). */
    static final Duration RETRY_MAX = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(HubDevice.class);

    private final Clock clock;
    private final MethodCalls.Timers timers;
    private final BackoffWaits waits;
    private final TwinSession session;
    private final KuraConfigurations configurations;
    private final Supplier<Set<String>> protectedPids;
    private final Listener listener;

    private DeviceSettings settings = DeviceSettings.defaults();
    private ObjectNode provisioningState;
    private Connection connection;
    private Runnable cancelTimer = () -> { };
    private Runnable cancelRetry = () -> { };
    private int subscribeFailures;
    private String lastFailure;
    private volatile String description = "not connected";

    /**
     * @param protectedPids the PIDs the twin never configures beyond this bundle's own: the hub link's transport, its
     *                      DataService, every SslManagerService and KeystoreService
     */
    HubDevice(Clock clock, Random random, MethodCalls.Timers timers, KuraConfigurations configurations,
            Supplier<Set<String>> protectedPids, Listener listener) {
        this.clock = clock;
        this.timers = timers;
        RetryDelays delays = RetryDelays.doubling(RETRY_FIRST, RETRY_MAX);
        this.waits = n -> delays.backoff(n, random.nextDouble());
        this.session = new TwinSession(clock, random, RESPONSE_TIMEOUT, waits);
        this.configurations = configurations;
        this.protectedPids = protectedPids;
        this.listener = listener;
    }

    /** New switches or allow-list; what they change is carried out at once. */
    void settings(DeviceSettings next) {
        DeviceSettings before = settings;
        settings = next;
        if (connection != null && before.directMethods != next.directMethods) {
            if (next.directMethods) {
                subscribe(HubTopics.METHOD_CALLS);
            } else {
                unsubscribe(HubTopics.METHOD_CALLS);
            }
        }
        if (before.reportedState != next.reportedState) {
            reportProvisioningState();
        }
        if (!before.sameConfigurationPolicy(next)) {
            configurations.forget();
            session.desired().ifPresent(desired -> execute(considerConfiguration(desired)));
        }
    }

    /** The provisioning state to report under {@value DeviceTwin#KURA_DPS} (sent when it differs from the hub's). */
    void provisioningState(ObjectNode state) {
        provisioningState = state;
        reportProvisioningState();
    }

    /** Another bundle's top-level reported property (validated by the caller); null deletes it. */
    void report(String name, JsonNode value) {
        execute(session.report(name, value));
    }

    /** The connection is up (again): subscribe, then read the whole twin. */
    void connected(Connection established) {
        connection = established;
        cancelRetry.run();
        if (settings.directMethods && !subscribe(HubTopics.METHOD_CALLS)) {
            return;
        }
        execute(session.onConnected());
    }

    /** The connection went (lost, or closed for a reconnect): nothing outstanding will be answered. */
    void disconnected() {
        if (connection == null) {
            return;
        }
        connection = null;
        cancelTimer.run();
        cancelRetry.run();
        execute(session.onConnectionLost());
    }

    /** A message from the hub other than a method call. */
    void messageArrived(String topic, byte[] payload) {
        execute(session.onMessage(topic, payload));
    }

    /** The twin's state in one line, for the status; any thread. */
    String describe() {
        return description;
    }

    private void reportProvisioningState() {
        if (provisioningState != null) {
            execute(session.report(DeviceTwin.KURA_DPS, settings.reportedState ? provisioningState : null));
        }
    }

    private List<TwinAction> considerConfiguration(TwinSection desired) {
        DesiredConfiguration.Policy policy = new DesiredConfiguration.Policy(settings.desiredConfiguration,
                settings.allowedPids, protectedPids.get());
        return session.report(DeviceTwin.KURA_CONFIGURATION, configurations.consider(desired, policy));
    }

    private void execute(List<TwinAction> actions) {
        Deque<TwinAction> work = new ArrayDeque<>(actions);
        while (!work.isEmpty()) {
            TwinAction action = work.poll();
            if (action instanceof TwinAction.Subscribe) {
                if (!subscribe(((TwinAction.Subscribe) action).filter())) {
                    break;
                }
            } else if (action instanceof TwinAction.Publish) {
                publish((TwinAction.Publish) action);
            } else if (action instanceof TwinAction.ScheduleTimer) {
                schedule((TwinAction.ScheduleTimer) action);
            } else if (action instanceof TwinAction.DesiredChanged) {
                TwinAction.DesiredChanged changed = (TwinAction.DesiredChanged) action;
                listener.desiredChanged(changed.desired(), changed.patch().orElse(null));
                work.addAll(considerConfiguration(changed.desired()));
            } else if (action instanceof TwinAction.ReportedHeld) {
                subscribeFailures = 0;
                lastFailure = null;
                listener.reportedHeld(((TwinAction.ReportedHeld) action).reported());
            } else if (action instanceof TwinAction.RequestFailed) {
                lastFailure = ((TwinAction.RequestFailed) action).message();
                LOG.warn("Device twin: {}", action);
            }
        }
        describeState();
    }

    private boolean subscribe(String filter) {
        Connection current = connection;
        if (current == null) {
            return false;
        }
        try {
            current.subscribe(filter);
            return true;
        } catch (Exception e) {
            // Kura's subscribe throws when the connection went meanwhile or the hub did not answer in time: start
            // over after a wait, unless the connection goes (its next connect starts over anyway).
            subscribeFailures++;
            lastFailure = "subscribing to " + filter + " failed: " + e.getMessage();
            Duration wait = waits.wait(subscribeFailures);
            LOG.warn("Device twin: {}; subscribing again in {} ms", lastFailure, wait.toMillis());
            cancelTimer.run();
            session.onConnectionLost();
            cancelRetry = timers.schedule(() -> {
                if (connection == current) {
                    connected(current);
                }
            }, wait);
            describeState();
            return false;
        }
    }

    private void unsubscribe(String filter) {
        try {
            connection.unsubscribe(filter);
        } catch (Exception e) {
            LOG.warn("Device twin: unsubscribing from {} failed: {}", filter, e.getMessage());
        }
    }

    /** A publish that fails is left to the session's response timeout, which sends it again. */
    private void publish(TwinAction.Publish publish) {
        Connection current = connection;
        if (current == null) {
            return;
        }
        try {
            current.publish(publish.topic(), publish.payload());
        } catch (Exception e) {
            LOG.warn("Device twin: publishing to {} failed: {}", publish.topic(), e.getMessage());
        }
    }

    private void schedule(TwinAction.ScheduleTimer timer) {
        cancelTimer.run();
        Duration delay = Duration.between(clock.instant(), timer.at());
        cancelTimer = timers.schedule(() -> execute(session.onTimerFired(timer.id())),
                delay.isNegative() ? Duration.ZERO : delay);
    }

    private void describeState() {
        StringBuilder text = new StringBuilder(connection == null ? "not connected" : "connected");
        session.desired().ifPresent(desired -> text.append(", desired $version ").append(desired.version()));
        session.reported().ifPresent(reported -> text.append(", reported $version ").append(reported.version()));
        if (lastFailure != null) {
            text.append(", last failure: ").append(lastFailure);
        }
        description = text.toString();
    }
}
