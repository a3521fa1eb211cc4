package io.kuradps.provisioning.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One registration as a state machine: events in, {@link FlowAction}s out. It owns no connection, thread or
 * timer; its driver executes the actions and reports what happened. Not thread-safe: call it from one thread.
 *
 * <p>Rules (the arithmetic is {@link RetryDelays}'): retry-after is clamped to [1 s, maxRetryAfter]. On a 202 it
 * is the poll interval, exactly. On a 429 or 5xx it is a floor: the wait is retry-after plus an equal jitter over a
 * window of min(backoffMax, max(10 s, a third of the time throttled)), that time counted from the first 429/5xx no
 * 2xx answer has followed (in this flow, or in the run before it when the driver carries it over), so a throttled
 * fleet stays near DPS's rate whatever its size; a lost connection during that wait does not shorten it. Without
 * retry-after, and for timeouts and lost connections, the wait is exponential backoff with full jitter. A transient
 * error on a poll keeps the operation; a lost connection or timeout reconnects and registers anew. Responses whose
 * $rid is not the one outstanding are ignored. Every wait ends by the overall deadline. After Succeed or Fail,
 * nothing.
 *
 * <p>Time: timers run on the device clock; SAS tokens are signed by the {@link ServiceClock}, which every answer
 * carrying DPS's time corrects. A token DPS refuses for the clock is signed again by DPS's time and sent on a new
 * connection at once (once per flow), so a gateway whose clock is wrong provisions before NTP has run.
 */
public final class RegistrationFlow {

    private enum Phase {
        NEW, CONNECTING, SUBSCRIBING, REGISTERING, WAITING_TO_POLL, POLLING, WAITING_TO_RETRY, DONE
    }

    private enum TimerPurpose {
        RESPONSE_TIMEOUT, POLL, RETRY, DEADLINE
    }

    /** What a retry timer starts: a new connection, a new register request, or the same operation's poll. */
    private enum RetryStep {
        RECONNECT, REREGISTER, REPOLL
    }

    private static final int SUBSCRIBE_FAILURE = 0x80;

    private final RegistrationSettings settings;
    private final Clock clock;
    private final ServiceClock serviceClock;
    private final Random random;
    private final RetryDelays delays;
    private final Failures failures;
    private final String ridPrefix;

    private Phase phase = Phase.NEW;
    private Instant deadline;
    private boolean connectionOpen;
    private long ridCounter;
    private String outstandingRid;
    private String operationId;
    private long timerCounter;
    private long activeTimerId = -1;
    private TimerPurpose timerPurpose;
    private RetryStep retryStep;
    private int attempt;
    /** Since when 429/5xx answers have come with no 2xx between them, or null: widens the spread of their waits. */
    private Instant throttledSince;
    /** No request before this: the retry-after of the last 429/5xx, kept even if a lost connection cuts the wait. */
    private Instant throttledUntil = Instant.MIN;
    private int pollsWithoutRetryAfter;
    private Instant sasExpiry;
    private Failure lastFailure;
    /** A token refused for the clock is signed again by DPS's time at once, but only once in a flow. */
    private boolean resignedForTheClock;

    /** A flow whose tokens are signed by {@code clock}, corrected by DPS's time only within this flow. */
    public RegistrationFlow(RegistrationSettings settings, Clock clock, Random random) {
        this(settings, clock instanceof ServiceClock ? (ServiceClock) clock : new ServiceClock(clock), random);
    }

    /** @param clock the component's clock, whose correction outlives the flow (the next run and the hub use it) */
    public RegistrationFlow(RegistrationSettings settings, ServiceClock clock, Random random) {
        this(settings, clock, random, null);
    }

    /**
     * @param throttledSince when the throttling that ended the previous run began ({@link #throttledSince()} of that
     *                       run), or null: a fresh run after a throttled one keeps the wider spread
     */
    public RegistrationFlow(RegistrationSettings settings, ServiceClock clock, Random random, Instant throttledSince) {
        this.throttledSince = throttledSince;
        this.settings = settings;
        this.clock = clock.device();
        this.serviceClock = clock;
        this.random = random;
        this.delays = RetryDelays.of(settings);
        this.failures = new Failures(settings, clock);
        // A random prefix keeps $rid values of successive flows (and gateways) apart; the counter within one.
        this.ridPrefix = Integer.toHexString(random.nextInt());
    }

    public List<FlowAction> start() {
        if (phase != Phase.NEW) {
            return none();
        }
        deadline = now().plus(settings.overallDeadline());
        return connect();
    }

    public List<FlowAction> onConnected() {
        if (phase != Phase.CONNECTING) {
            return none();
        }
        phase = Phase.SUBSCRIBING;
        return actions(new FlowAction.Subscribe(Topics.SUBSCRIBE_FILTER), responseTimer());
    }

    public List<FlowAction> onSubscribed(int[] grantedQos) {
        if (phase != Phase.SUBSCRIBING) {
            return none();
        }
        if (grantedQos == null || grantedQos.length != 1 || grantedQos[0] < 0 || grantedQos[0] > 2) {
            int granted = grantedQos == null || grantedQos.length == 0 ? -1 : grantedQos[0];
            return fail(failures.protocol("DPS refused the subscription to " + Topics.SUBSCRIBE_FILTER
                    + (granted == SUBSCRIBE_FAILURE ? " (SUBACK failure 0x80)" : " (granted " + granted + ")"),
                    false));
        }
        return register();
    }

    public List<FlowAction> onMessage(String topic, byte[] payload) {
        if (phase != Phase.REGISTERING && phase != Phase.POLLING) {
            return none();
        }
        ResponseTopic response;
        try {
            response = Topics.parseResponse(topic);
        } catch (DpsProtocolException e) {
            // Not a response this flow can attribute to a request; the response timer covers a lost answer.
            return none();
        }
        if (!response.rid().equals(outstandingRid)) {
            return none();
        }
        outstandingRid = null;
        boolean wasPolling = phase == Phase.POLLING;
        int status = response.status();
        if (response.isSuccess()) {
            throttledSince = null;
            return onOperationStatus(response, payload);
        }
        ServiceError error = null;
        try {
            error = Bodies.parseError(payload);
        } catch (DpsProtocolException e) {
            // The status alone classifies the failure; the missing detail is said in its message.
        }
        Failure failure = failures.fromResponse(status, error, sasExpiry, now());
        Instant serviceTime = ServiceTime.of(error).orElse(null);
        learnServiceTime(serviceTime, failure.clockSuspected());
        if (failure.kind() == FailureKind.UNAUTHORIZED && failure.clockSuspected() && serviceTime != null
                && !resignedForTheClock) {
            resignedForTheClock = true;
            return retry(failure, RetryStep.RECONNECT, backoff(attempt + 1));
        }
        if (endsFlow(failure)) {
            return fail(failure);
        }
        // Only 429 and 5xx get here: every other answer ends the flow.
        if (throttledSince == null) {
            throttledSince = now();
        }
        RetryStep step = wasPolling ? RetryStep.REPOLL : RetryStep.REREGISTER;
        if (!response.retryAfter().isPresent()) {
            return retry(failure, step, backoff(attempt + 1));
        }
        Duration retryAfter = delays.clampRetryAfter(response.retryAfter().get());
        throttledUntil = now().plus(retryAfter);
        return retry(failure, step, delays.throttledWait(retryAfter, Duration.between(throttledSince, now()),
                random.nextDouble()));
    }

    public List<FlowAction> onTimerFired(long timerId) {
        if (phase == Phase.DONE || timerId != activeTimerId) {
            return none();
        }
        activeTimerId = -1;
        switch (timerPurpose) {
            case DEADLINE:
                return fail(failures.deadlineExceeded(lastFailure));
            case RESPONSE_TIMEOUT:
                return retry(failures.responseTimeout(awaitedAnswer()), RetryStep.RECONNECT, backoff(attempt + 1));
            case POLL:
                return poll();
            case RETRY:
            default:
                return retryNow();
        }
    }

    public List<FlowAction> onConnectionLost(String cause) {
        if (phase == Phase.NEW || phase == Phase.DONE || !connectionOpen) {
            return none();
        }
        return retry(failures.connectionLost(cause), RetryStep.RECONNECT, backoff(attempt + 1));
    }

    public List<FlowAction> onConnectFailed(ConnectFailure kind, String detail) {
        if (phase != Phase.CONNECTING) {
            return none();
        }
        connectionOpen = false;
        Failure failure = failures.connectFailed(kind, detail, sasExpiry, now());
        if (endsFlow(failure)) {
            return fail(failure);
        }
        return retry(failure, RetryStep.RECONNECT, backoff(attempt + 1));
    }

    /**
     * Since when DPS has answered with 429/5xx and nothing good in between, if it still does; read it when the flow
     * has failed and pass it to the next run's flow, so that a fleet throttled beyond one deadline keeps its pace.
     */
    public Optional<Instant> throttledSince() {
        return Optional.ofNullable(throttledSince);
    }

    /** True once the flow has succeeded or failed; every later event returns no actions. */
    public boolean isDone() {
        return phase == Phase.DONE;
    }

    /**
     * Permanent failures end the flow, and so do authentication and TLS failures that are retryable only because
     * of the clock, unless DPS's time has just corrected the one tokens are signed by (see onMessage): trying again
     * at once, with the same clock, would only repeat them. The component retries those later with a fresh flow,
     * and at once when Kura's clock service sets the clock.
     */
    private static boolean endsFlow(Failure failure) {
        return !failure.retryable() || failure.kind() == FailureKind.UNAUTHORIZED || failure.kind() == FailureKind.TLS;
    }

    private List<FlowAction> onOperationStatus(ResponseTopic response, byte[] payload) {
        OperationStatus status;
        try {
            status = Bodies.parseOperationStatus(payload);
        } catch (DpsProtocolException e) {
            return retry(failures.protocol(e.getMessage(), true), RetryStep.REREGISTER, backoff(attempt + 1));
        }
        learnServiceTime(ServiceTime.of(status).orElse(null), false);
        switch (status.status()) {
            case ASSIGNED:
                // The parser guarantees an assigned status carries a registration with hub and device id.
                return finish(new FlowAction.Succeed(status.registrationState().get()));
            case FAILED:
                return fail(failures.operationFailed(status));
            case DISABLED:
                return fail(failures.disabled());
            case UNASSIGNED:
            case ASSIGNING:
            default:
                return waitToPoll(response, status);
        }
    }

    private List<FlowAction> waitToPoll(ResponseTopic response, OperationStatus status) {
        if (status.operationId().isEmpty()) {
            return retry(failures.protocol("status " + status.status().jsonName() + " without an operationId",
                    true), RetryStep.REREGISTER, backoff(attempt + 1));
        }
        operationId = status.operationId();
        Duration delay;
        if (response.retryAfter().isPresent()) {
            delay = delays.clampRetryAfter(response.retryAfter().get());
        } else {
            pollsWithoutRetryAfter++;
            delay = backoff(pollsWithoutRetryAfter);
        }
        Instant pollAt = now().plus(delay);
        if (!pollAt.isBefore(deadline)) {
            return fail(failures.deadlineExceeded(lastFailure));
        }
        phase = Phase.WAITING_TO_POLL;
        return actions(schedule(TimerPurpose.POLL, pollAt));
    }

    /**
     * DPS told its time: adopted outright when DPS refused a token for the clock (it has shown that it judges by
     * it), else taken only when the clock in force is more than the bound off.
     */
    private void learnServiceTime(Instant serviceTime, boolean refusedForTheClock) {
        if (serviceTime == null) {
            return;
        }
        if (refusedForTheClock) {
            serviceClock.adopt(serviceTime);
        } else {
            serviceClock.observe(serviceTime);
        }
    }

    private List<FlowAction> connect() {
        phase = Phase.CONNECTING;
        connectionOpen = true;
        ConnectRequest request = ConnectRequest.create(settings, serviceClock.instant());
        sasExpiry = request.sasExpiry();
        return actions(new FlowAction.Connect(request), responseTimer());
    }

    private List<FlowAction> register() {
        byte[] body;
        try {
            body = Bodies.registerRequest(settings.registrationId(), settings.customPayloadJson(),
                    settings.certificateSigningRequest());
        } catch (DpsProtocolException e) {
            return fail(failures.protocol(e.getMessage(), false));
        }
        phase = Phase.REGISTERING;
        operationId = null;
        pollsWithoutRetryAfter = 0;
        outstandingRid = nextRid();
        return actions(new FlowAction.Publish(Topics.register(outstandingRid), body), responseTimer());
    }

    private List<FlowAction> poll() {
        phase = Phase.POLLING;
        outstandingRid = nextRid();
        return actions(new FlowAction.Publish(Topics.poll(outstandingRid, operationId), new byte[0]),
                responseTimer());
    }

    private List<FlowAction> retryNow() {
        switch (retryStep) {
            case REREGISTER:
                return register();
            case REPOLL:
                return poll();
            case RECONNECT:
            default:
                return connect();
        }
    }

    private List<FlowAction> retry(Failure cause, RetryStep step, Duration delay) {
        lastFailure = cause;
        outstandingRid = null;
        Instant retryAt = now().plus(delay);
        if (retryAt.isBefore(throttledUntil)) {
            retryAt = throttledUntil;
        }
        if (!retryAt.isBefore(deadline)) {
            return fail(failures.deadlineExceeded(cause));
        }
        attempt++;
        List<FlowAction> actions = new ArrayList<>();
        if (step == RetryStep.RECONNECT && connectionOpen) {
            actions.add(FlowAction.Disconnect.INSTANCE);
            connectionOpen = false;
        }
        phase = Phase.WAITING_TO_RETRY;
        retryStep = connectionOpen ? step : RetryStep.RECONNECT;
        actions.add(new FlowAction.Retrying(attempt, retryAt, cause));
        actions.add(schedule(TimerPurpose.RETRY, retryAt));
        return Collections.unmodifiableList(actions);
    }

    private List<FlowAction> fail(Failure failure) {
        return finish(new FlowAction.Fail(failure, attempt + 1));
    }

    private List<FlowAction> finish(FlowAction outcome) {
        phase = Phase.DONE;
        activeTimerId = -1;
        outstandingRid = null;
        if (connectionOpen) {
            connectionOpen = false;
            return actions(FlowAction.Disconnect.INSTANCE, outcome);
        }
        return actions(outcome);
    }

    private FlowAction responseTimer() {
        return schedule(TimerPurpose.RESPONSE_TIMEOUT, now().plus(settings.responseTimeout()));
    }

    /** Every timer ends by the deadline: one due later fires at the deadline instead and ends the flow. */
    private FlowAction schedule(TimerPurpose purpose, Instant at) {
        activeTimerId = ++timerCounter;
        if (at.isBefore(deadline)) {
            timerPurpose = purpose;
            return new FlowAction.ScheduleTimer(activeTimerId, at);
        }
        timerPurpose = TimerPurpose.DEADLINE;
        return new FlowAction.ScheduleTimer(activeTimerId, deadline);
    }

    /** The n-th consecutive backoff, with a fresh draw of jitter. */
    private Duration backoff(int n) {
        return delays.backoff(n, random.nextDouble());
    }

    private String awaitedAnswer() {
        switch (phase) {
            case CONNECTING:
                return "CONNACK";
            case SUBSCRIBING:
                return "SUBACK";
            case POLLING:
                return "answer to the status poll";
            case REGISTERING:
            default:
                return "answer to the register request";
        }
    }

    private String nextRid() {
        return ridPrefix + "-" + (++ridCounter);
    }

    private Instant now() {
        return clock.instant();
    }

    private static List<FlowAction> none() {
        return Collections.emptyList();
    }

    private static List<FlowAction> actions(FlowAction... actions) {
        return Collections.unmodifiableList(Arrays.asList(actions));
    }
}
