package io.kuradps.provisioning.iothub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The device twin over one connection, as a state machine: events in (connected, a message, a timer, the connection
 * lost, a reported property wanted), {@link TwinAction}s out. It owns no connection, thread or timer. Not
 * thread-safe: call it from one thread.
 *
 * <p>Rules, after Microsoft's "device reconnection flow": on every connect it subscribes to the twin's answers and
 * desired updates, then GETs the whole twin; desired updates that arrive before that answer wait for it, and those
 * whose {@code $version} is not above the document's are dropped. An update whose version skips one (a notification
 * was missed) is not merged: the twin is read again instead. Reported properties are kept "only when changed": the
 * caller says what it wants under the names it manages, and the session sends the JSON merge patch between that and
 * what the hub holds, one patch at a time (Microsoft: wait for the answer before the next update), checked against
 * IoT Hub's limits first. A 429, a 5xx or no answer within the response timeout sends the request again after
 * {@link BackoffWaits} for the n-th consecutive failure; another 4xx, or a limit broken, gives that patch up until
 * what is wanted changes. Answers whose {@code $rid} is not outstanding are ignored.
 */
public final class TwinSession {

    private enum Kind {
        GET, PATCH
    }

    /** What a sent request was; a patch keeps its body, to be merged into the held state once accepted. */
    private static final class Request {
        final Kind kind;
        final ObjectNode patch;

        Request(Kind kind, ObjectNode patch) {
            this.kind = kind;
            this.patch = patch;
        }

        @Override
        public String toString() {
            return kind.name();
        }
    }

    private final Clock clock;
    private final BackoffWaits waits;
    private final PendingRequests<Request> requests;
    private final ObjectNode wanted = TwinJson.newObject();
    private final List<TwinSection> earlyUpdates = new ArrayList<>();

    private boolean connected;
    private TwinSection desired;
    private TwinSection held;
    private ObjectNode givenUpPatch;
    private int consecutiveFailures;
    private Instant retryAt;
    private boolean retryGet;
    private boolean retryPatch;
    private long timerCounter;
    private long activeTimerId = -1;
    private Instant scheduledAt;

    /** @param responseTimeout how long an answer may take before the request counts as failed */
    public TwinSession(Clock clock, Random random, Duration responseTimeout, BackoffWaits waits) {
        this.clock = clock;
        this.waits = waits;
        this.requests = new PendingRequests<>(clock, random, responseTimeout);
    }

    /** The connection is up: subscribe, then read the whole twin. */
    public List<TwinAction> onConnected() {
        connected = true;
        requests.clear();
        earlyUpdates.clear();
        retryAt = null;
        retryGet = false;
        retryPatch = false;
        List<TwinAction> actions = new ArrayList<>();
        actions.add(new TwinAction.Subscribe(HubTopics.TWIN_RESPONSES));
        actions.add(new TwinAction.Subscribe(HubTopics.DESIRED_UPDATES));
        sendGet(actions);
        return finish(actions);
    }

    /** The connection is gone: nothing outstanding will be answered; the next connect starts over. */
    public List<TwinAction> onConnectionLost() {
        connected = false;
        requests.clear();
        earlyUpdates.clear();
        retryAt = null;
        retryGet = false;
        retryPatch = false;
        activeTimerId = -1;
        scheduledAt = null;
        return Collections.emptyList();
    }

    /** A message on any topic; those that are not the twin's are left to others (no actions). */
    public List<TwinAction> onMessage(String topic, byte[] payload) {
        ReceivedTopic received;
        try {
            received = HubTopics.parse(topic);
        } catch (HubProtocolException e) {
            // Not attributable to a request; the response timeout covers a lost answer.
            return Collections.emptyList();
        }
        List<TwinAction> actions = new ArrayList<>();
        if (received instanceof ReceivedTopic.TwinResponse) {
            onResponse((ReceivedTopic.TwinResponse) received, payload, actions);
        } else if (received instanceof ReceivedTopic.DesiredUpdate) {
            onDesiredUpdate(((ReceivedTopic.DesiredUpdate) received).version(), payload, actions);
        } else {
            return Collections.emptyList();
        }
        return finish(actions);
    }

    /**
     * Wants {@code name} reported as {@code value} (JSON), or deleted when {@code value} is null; sends the patch
     * when connected and it changes what the hub holds.
     */
    public List<TwinAction> report(String name, JsonNode value) {
        JsonNode want = value == null ? NullNode.getInstance() : value.deepCopy();
        JsonNode before = wanted.get(name);
        if (before == null || !TwinJson.sameValue(before, want)) {
            givenUpPatch = null;
        }
        wanted.set(name, want);
        List<TwinAction> actions = new ArrayList<>();
        sendPatch(actions);
        return finish(actions);
    }

    public List<TwinAction> onTimerFired(long timerId) {
        if (timerId != activeTimerId || !connected) {
            return Collections.emptyList();
        }
        activeTimerId = -1;
        scheduledAt = null;
        List<TwinAction> actions = new ArrayList<>();
        for (PendingRequests.Pending<Request> late : requests.expire()) {
            fail(late.request().kind, "no answer to the twin " + late.request() + " (" + late.rid()
                    + ") by its deadline", true, actions);
        }
        if (retryAt != null && !retryAt.isAfter(clock.instant())) {
            retryAt = null;
            if (retryGet) {
                retryGet = false;
                sendGet(actions);
            }
            if (retryPatch) {
                retryPatch = false;
                sendPatch(actions);
            }
        }
        return finish(actions);
    }

    /** The desired section as last read or updated; empty before the first twin GET was answered. */
    public Optional<TwinSection> desired() {
        return Optional.ofNullable(desired);
    }

    /** The reported section as the hub holds it, as far as the session knows; empty before the first GET. */
    public Optional<TwinSection> reported() {
        return Optional.ofNullable(held);
    }

    private void onResponse(ReceivedTopic.TwinResponse response, byte[] payload, List<TwinAction> actions) {
        Optional<PendingRequests.Pending<Request>> answered = requests.complete(response.rid());
        if (!answered.isPresent()) {
            return;
        }
        Request request = answered.get().request();
        HubStatus status = HubStatus.of(response.status());
        if (status != HubStatus.SUCCESS) {
            fail(request.kind, "the hub answered the twin " + request + " with "
                    + HubStatus.describe(response.status()), status.retryable(), actions);
            if (request.kind == Kind.PATCH && !status.retryable()) {
                givenUpPatch = request.patch;
            }
            return;
        }
        if (request.kind == Kind.GET) {
            TwinBodies.TwinDocument twin;
            try {
                twin = TwinBodies.parseTwin(payload);
            } catch (HubProtocolException e) {
                fail(Kind.GET, e.getMessage(), true, actions);
                return;
            }
            consecutiveFailures = 0;
            desired = twin.desired();
            held = twin.reported();
            actions.add(new TwinAction.DesiredChanged(desired, null));
            actions.add(new TwinAction.ReportedHeld(held));
            List<TwinSection> waiting = new ArrayList<>(earlyUpdates);
            earlyUpdates.clear();
            for (TwinSection update : waiting) {
                mergeDesired(update, actions);
            }
        } else {
            consecutiveFailures = 0;
            held = held.merged(new TwinSection(request.patch, response.version().orElse(held.version())));
            actions.add(new TwinAction.ReportedHeld(held));
        }
        sendPatch(actions);
    }

    private void onDesiredUpdate(long version, byte[] payload, List<TwinAction> actions) {
        TwinSection update;
        try {
            update = TwinBodies.parseDesiredPatch(payload, version);
        } catch (HubProtocolException e) {
            actions.add(new TwinAction.RequestFailed(e.getMessage() + "; reading the twin again", null));
            sendGet(actions);
            return;
        }
        if (desired == null) {
            earlyUpdates.add(update);
        } else {
            mergeDesired(update, actions);
        }
    }

    private void mergeDesired(TwinSection update, List<TwinAction> actions) {
        if (update.version() <= desired.version()) {
            return;
        }
        if (update.version() != desired.version() + 1) {
            // A skipped version is a missed notification: merging would build on a state the hub never had.
            sendGet(actions);
            return;
        }
        desired = desired.merged(update);
        actions.add(new TwinAction.DesiredChanged(desired, update));
    }

    private void sendGet(List<TwinAction> actions) {
        if (!connected || retryGet || hasOutstanding(Kind.GET)) {
            return;
        }
        String rid = requests.add(new Request(Kind.GET, null)).rid();
        actions.add(new TwinAction.Publish(HubTopics.twinGet(rid), new byte[0]));
    }

    private void sendPatch(List<TwinAction> actions) {
        if (!connected || held == null || retryPatch || hasOutstanding(Kind.PATCH)) {
            return;
        }
        forgetDeleted();
        ObjectNode patch = MergePatch.diff(held.tree(), wanted);
        if (patch.size() == 0 || patch.equals(givenUpPatch)) {
            return;
        }
        byte[] body;
        try {
            body = TwinBodies.reportedPatch(patch, held.tree());
        } catch (HubLimitException e) {
            givenUpPatch = patch;
            actions.add(new TwinAction.RequestFailed("reported patch not sent: " + e.getMessage(), null));
            return;
        }
        String rid = requests.add(new Request(Kind.PATCH, patch)).rid();
        actions.add(new TwinAction.Publish(HubTopics.reportedPatch(rid), body));
    }

    /** A name wanted deleted that the hub no longer holds needs no more managing. */
    private void forgetDeleted() {
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            if (member.getValue().isNull() && !held.tree().has(member.getKey())) {
                it.remove();
            }
        }
    }

    private void fail(Kind kind, String message, boolean retryable, List<TwinAction> actions) {
        if (!retryable) {
            actions.add(new TwinAction.RequestFailed(message, null));
            return;
        }
        consecutiveFailures++;
        Instant at = clock.instant().plus(waits.wait(consecutiveFailures));
        retryAt = retryAt == null || at.isBefore(retryAt) ? at : retryAt;
        if (kind == Kind.GET) {
            retryGet = true;
        } else {
            retryPatch = true;
        }
        actions.add(new TwinAction.RequestFailed(message, retryAt));
    }

    private boolean hasOutstanding(Kind kind) {
        for (PendingRequests.Pending<Request> pending : requests.outstanding()) {
            if (pending.request().kind == kind) {
                return true;
            }
        }
        return false;
    }

    /** Adds the one timer the session needs next (the earliest deadline or retry), unless it is set already. */
    private List<TwinAction> finish(List<TwinAction> actions) {
        Instant next = requests.nextDeadline().orElse(null);
        if (retryAt != null && (next == null || retryAt.isBefore(next))) {
            next = retryAt;
        }
        if (next != null && connected && !next.equals(scheduledAt)) {
            activeTimerId = ++timerCounter;
            scheduledAt = next;
            actions.add(new TwinAction.ScheduleTimer(activeTimerId, next));
        }
        return Collections.unmodifiableList(actions);
    }
}
