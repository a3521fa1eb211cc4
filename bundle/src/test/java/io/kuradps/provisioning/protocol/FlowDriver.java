package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Drives a RegistrationFlow the way a transport would, remembering the last timer and request, so scenario
 * tests read as a conversation with DPS.
 */
final class FlowDriver {

    static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
    static final String OPERATION_ID = "4.d0a671905ea5b2c8.42d78160-4c78-479e-8be7-61d5e55dac0d";

    final FakeClock clock;
    final ServiceClock serviceClock;
    final RegistrationFlow flow;
    FlowAction.ScheduleTimer timer;
    FlowAction.Publish lastPublish;
    final List<FlowAction> history = new ArrayList<>();

    FlowDriver(RegistrationSettings settings) {
        this(settings, START, 7L);
    }

    FlowDriver(RegistrationSettings settings, Instant start, long seed) {
        this(settings, new ServiceClock(new FakeClock(start)), seed);
    }

    /** A flow signing by a clock it may share with other flows, as the component's runs share theirs. */
    FlowDriver(RegistrationSettings settings, ServiceClock serviceClock, long seed) {
        this(settings, serviceClock, seed, null);
    }

    /** A flow that carries over the time throttled of a run before it. */
    FlowDriver(RegistrationSettings settings, Instant start, long seed, Instant throttledSince) {
        this(settings, new ServiceClock(new FakeClock(start)), seed, throttledSince);
    }

    private FlowDriver(RegistrationSettings settings, ServiceClock serviceClock, long seed, Instant throttledSince) {
        this.clock = (FakeClock) serviceClock.device();
        this.serviceClock = serviceClock;
        this.flow = new RegistrationFlow(settings, serviceClock, new Random(seed), throttledSince);
    }

    /** A flow with the default test settings whose register request is out. */
    static FlowDriver registered() throws DpsProtocolException {
        return registered(settings());
    }

    static FlowDriver registered(RegistrationSettings settings) {
        FlowDriver driver = new FlowDriver(settings);
        driver.connectAndRegister();
        return driver;
    }

    static RegistrationSettings timing(int responseTimeoutSeconds, int deadlineSeconds) throws DpsProtocolException {
        return RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(responseTimeoutSeconds))
                .overallDeadline(Duration.ofSeconds(deadlineSeconds)).build();
    }

    /** The failure the flow ends with when its register request gets this answer. */
    static Failure failureOnRegister(int status, String body) throws DpsProtocolException {
        FlowDriver driver = registered();
        List<FlowAction> actions = driver.respond(status, "", body);
        assertThat(actions.get(0)).isInstanceOf(FlowAction.Disconnect.class);
        return only(actions, FlowAction.Fail.class).failure();
    }

    static RegistrationSettings settings() throws DpsProtocolException {
        return RegistrationSettingsTest.valid().responseTimeout(Duration.ofSeconds(10)).build();
    }

    List<FlowAction> record(List<FlowAction> actions) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.ScheduleTimer) {
                timer = (FlowAction.ScheduleTimer) action;
            }
            if (action instanceof FlowAction.Publish) {
                lastPublish = (FlowAction.Publish) action;
            }
        }
        history.addAll(actions);
        return actions;
    }

    /** start, CONNACK, SUBACK: returns the actions of the last step (the register publish and its timer). */
    List<FlowAction> connectAndRegister() {
        record(flow.start());
        record(flow.onConnected());
        return record(flow.onSubscribed(new int[] {1}));
    }

    List<FlowAction> respond(int status, String query, String body) {
        return record(flow.onMessage("$dps/registrations/res/" + status + "/?$rid=" + lastRid() + query,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    /** Moves the clock to the pending timer (never backwards) and fires it. */
    List<FlowAction> fireTimer() {
        if (timer.at().isAfter(clock.instant())) {
            clock.set(timer.at());
        }
        return record(flow.onTimerFired(timer.timerId()));
    }

    String lastRid() {
        String topic = lastPublish.topic();
        int start = topic.indexOf("$rid=") + 5;
        int end = topic.indexOf('&', start);
        return topic.substring(start, end < 0 ? topic.length() : end);
    }

    static <T extends FlowAction> T only(List<FlowAction> actions, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (FlowAction action : actions) {
            if (type.isInstance(action)) {
                found.add(type.cast(action));
            }
        }
        assertThat(found).as("one %s in %s", type.getSimpleName(), actions).hasSize(1);
        return found.get(0);
    }

    static String assigning() {
        return "{\"operationId\":\"" + OPERATION_ID + "\",\"status\":\"assigning\"}";
    }

    static String assigned() {
        return "{\"operationId\":\"" + OPERATION_ID + "\",\"status\":\"assigned\",\"registrationState\":{"
                + "\"registrationId\":\"gw-01\",\"assignedHub\":\"hub.azure-devices.net\",\"deviceId\":\"gw-01\","
                + "\"status\":\"assigned\",\"substatus\":\"initialAssignment\",\"payload\":{\"site\":7}}}";
    }
}
