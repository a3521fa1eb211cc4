package io.kuradps.bench;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.protocol.ServiceClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * A simulated gateway with our policy: the bundle's real {@link RegistrationFlow} with its default settings, on
 * the simulation's clock, and a fresh run after a failed one as the component schedules it
 * ({@link ComponentRestarts}), handed the time throttled of the run before as the component's registrar does.
 */
final class SimulatedFlowGateway implements FleetSimulation.Gateway {

    /**
     * What the simulator sends with a 429, less its timestamp: DPS's time would only confirm the simulation's clock
     * (the flow corrects its signing clock by it), and its trackingId differs per answer.
     */
    private static final byte[] THROTTLED_BODY = ("{\"errorCode\":429001,\"trackingId\":\"8c3f5b0e-sim\","
            + "\"message\":\"Operations are being throttled for this tenant.\"}").getBytes(StandardCharsets.UTF_8);

    private static final String RESPONSE_TOPIC = "$dps/registrations/res/";
    private static final String REGISTER_TOPIC = "$dps/registrations/PUT/iotdps-register/";

    private final int index;
    private final FleetSimulation simulation;
    private final RegistrationSettings settings;
    private final Random random;
    private final ComponentRestarts restarts;
    private final byte[] assigning;
    private final byte[] assigned;
    private RegistrationFlow flow;
    private Instant throttledSince;
    private String rid;

    SimulatedFlowGateway(int index, FleetSimulation simulation) {
        this.index = index;
        this.simulation = simulation;
        String id = String.format("fleet-gw-%06d", index);
        try {
            this.settings = RegistrationSettings.builder().idScope(BenchDps.ID_SCOPE).registrationId(id)
                    .credentials(Credentials.symmetricKey(BenchDps.deviceKey(id))).build();
        } catch (DpsProtocolException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.random = new Random(simulation.model().seed() * 31 + index);
        this.restarts = new ComponentRestarts(random);
        String operation = "4.sim." + index;
        this.assigning = ("{\"operationId\":\"" + operation + "\",\"status\":\"assigning\"}")
                .getBytes(StandardCharsets.UTF_8);
        this.assigned = ("{\"operationId\":\"" + operation + "\",\"status\":\"assigned\",\"registrationState\":{"
                + "\"registrationId\":\"" + id + "\",\"assignedHub\":\"fleet-hub.azure-devices.net\",\"deviceId\":\""
                + id + "\",\"status\":\"assigned\",\"substatus\":\"initialAssignment\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start() {
        flow = new RegistrationFlow(settings, new ServiceClock(simulation.clock()), random, throttledSince);
        apply(flow.start());
    }

    @Override
    public void restart() {
        start();
    }

    @Override
    public void connAck() {
        apply(flow.onConnected());
    }

    @Override
    public void subAck() {
        apply(flow.onSubscribed(new int[] {1}));
    }

    @Override
    public void registerAnswer(int status, int retryAfterSeconds) {
        answer(status, retryAfterSeconds, status == 202 ? assigning : THROTTLED_BODY);
    }

    @Override
    public void pollAnswer() {
        answer(200, 0, assigned);
    }

    @Override
    public void timer(long timerId) {
        apply(flow.onTimerFired(timerId));
    }

    private void answer(int status, int retryAfterSeconds, byte[] body) {
        String topic = RESPONSE_TOPIC + status + "/?$rid=" + rid
                + (retryAfterSeconds > 0 ? "&retry-after=" + retryAfterSeconds : "");
        apply(flow.onMessage(topic, body));
    }

    private void apply(List<FlowAction> actions) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.Connect) {
                simulation.connect(index);
            } else if (action instanceof FlowAction.Subscribe) {
                simulation.subscribe(index);
            } else if (action instanceof FlowAction.Publish publish) {
                rid = rawRid(publish.topic());
                if (publish.topic().startsWith(REGISTER_TOPIC)) {
                    simulation.register(index);
                } else {
                    simulation.poll(index);
                }
            } else if (action instanceof FlowAction.Disconnect) {
                simulation.disconnect(index);
            } else if (action instanceof FlowAction.ScheduleTimer schedule) {
                simulation.timer(index, schedule.timerId(), schedule.at());
            } else if (action instanceof FlowAction.Retrying retrying) {
                simulation.retrying(retrying.cause().kind().toString());
            } else if (action instanceof FlowAction.Succeed) {
                simulation.assigned(index);
            } else if (action instanceof FlowAction.Fail fail) {
                throttledSince = flow.throttledSince().orElse(null);
                if (fail.failure().retryable()) {
                    simulation.retrying("fresh run after " + fail.failure().kind());
                    simulation.restartAt(index, simulation.clock().instant().plus(restarts.nextPause()));
                } else {
                    simulation.gaveUp(index, fail.failure().kind().toString());
                }
            }
        }
    }

    /** The $rid as it stands in the request topic; DPS echoes it verbatim. */
    private static String rawRid(String topic) {
        int start = topic.indexOf("$rid=") + 5;
        int end = topic.indexOf('&', start);
        return topic.substring(start, end < 0 ? topic.length() : end);
    }
}
