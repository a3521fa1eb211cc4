package io.kuradps.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * IoT Hub's service side for the simulated hubs: what a solution back end does to a device (cloud-to-device
 * messages, twin reads and desired patches, direct methods), kept per device identity and handed to the device's
 * open session when it has one. A device is named by its id alone: the one in the hub it is connected to, else in
 * the hub DPS assigned it to last. Thread-safe.
 */
final class IotHubService implements AutoCloseable {

    private final HubRegistry registry;
    private final HubSessions sessions;
    private final HubCounters counters;
    private final Clock clock;
    private final DirectMethods methods;
    private final Map<String, HubDeviceState> states = new ConcurrentHashMap<>();

    IotHubService(HubRegistry registry, HubSessions sessions, HubCounters counters, Clock clock) {
        this.registry = registry;
        this.sessions = sessions;
        this.counters = counters;
        this.clock = clock;
        this.methods = new DirectMethods(clock, counters::methodEnded);
    }

    /** The device's twin and queue; created with the identity, gone when it is deleted. */
    HubDeviceState state(HubDevice device) {
        return states.computeIfAbsent(HubSessions.key(device), key -> new HubDeviceState(device));
    }

    /** The device identity was deleted: IoT Hub discards its twin and queue with it. */
    void deleted(HubDevice device) {
        states.remove(HubSessions.key(device));
    }

    /**
     * The identity a service call means by a device id.
     *
     * @throws HubServiceException 404001 when no hub has it
     */
    HubDevice resolve(String deviceId) {
        List<HubDevice> candidates = registry.devices().stream().filter(d -> d.deviceId().equals(deviceId)).toList();
        Optional<HubDevice> connected = candidates.stream().filter(d -> sessions.handler(d).isPresent()).findFirst();
        if (connected.isPresent()) {
            return connected.get();
        }
        String latest = registry.latestHub(deviceId);
        return candidates.stream().filter(d -> d.hub().equalsIgnoreCase(latest)).findFirst()
                .or(() -> candidates.stream().findFirst())
                .orElseThrow(() -> HubServiceException.deviceNotFound(deviceId));
    }

    String send(String deviceId, byte[] payload, Map<String, String> properties, Duration timeToLive) {
        HubDevice device = resolve(deviceId);
        String messageId = state(device).queue().enqueue(payload, properties, timeToLive, clock.instant());
        counters.record(HubCounters.EventKind.CLOUD_TO_DEVICE_ENQUEUED, device.hub(), device.deviceId(),
                "messageId=" + messageId);
        sessions.handler(device).ifPresent(HubMqttHandler::offerCloudToDevice);
        return messageId;
    }

    List<CloudToDeviceMessage> messages(String deviceId) {
        HubDevice device = resolve(deviceId);
        CloudToDeviceQueue queue = state(device).queue();
        queue.expire(clock.instant()).forEach(expired -> counters.record(HubCounters.EventKind.CLOUD_TO_DEVICE_EXPIRED,
                device.hub(), device.deviceId(), "messageId=" + expired.messageId()));
        return queue.messages();
    }

    Twin twin(String deviceId) {
        HubDevice device = resolve(deviceId);
        return state(device).twin().snapshot(device.hub(), device.deviceId());
    }

    Twin updateDesired(String deviceId, String jsonMergePatch) {
        HubDevice device = resolve(deviceId);
        DeviceTwinState twin = state(device).twin();
        long version;
        boolean sent;
        synchronized (twin) { // patches reach the device in the order of their versions
            ObjectNode pushed;
            try {
                pushed = twin.patchDesired(jsonMergePatch.getBytes(StandardCharsets.UTF_8));
            } catch (DeviceTwinState.Rejection e) {
                throw HubServiceException.argumentInvalid(e.getMessage());
            }
            version = pushed.get("$version").asLong();
            sent = sessions.handler(device).map(session -> session.pushDesired(pushed, version)).orElse(false);
        }
        counters.record(HubCounters.EventKind.TWIN_DESIRED_UPDATED, device.hub(), device.deviceId(),
                "$version=" + version + (sent ? ", pushed to the device" : ", not pushed (device not subscribed)"));
        return twin.snapshot(device.hub(), device.deviceId());
    }

    Optional<Twin> awaitTwin(String deviceId, Predicate<Twin> condition, Duration timeout)
            throws InterruptedException {
        Twin[] satisfied = new Twin[1];
        boolean met = counters.awaitCondition(() -> {
            Twin twin = twin(deviceId);
            satisfied[0] = twin;
            return condition.test(twin);
        }, timeout);
        return met ? Optional.of(satisfied[0]) : Optional.empty();
    }

    CompletableFuture<MethodResult> invoke(String deviceId, String methodName, String jsonPayload,
            Duration responseTimeout) {
        String payload = DirectMethods.checked(methodName, jsonPayload, responseTimeout);
        HubDevice device = resolve(deviceId);
        Optional<HubMqttHandler> session = sessions.handler(device);
        if (session.isEmpty()) {
            return methods.notOnline(device, methodName, "device " + deviceId + " is not connected");
        }
        if (!session.get().subscribedToMethods()) {
            return methods.notOnline(device, methodName, "device " + deviceId
                    + " has not subscribed to $iothub/methods/POST/#");
        }
        DirectMethods.Call call = methods.start(device, methodName, responseTimeout);
        counters.record(HubCounters.EventKind.METHOD_REQUEST, device.hub(), device.deviceId(),
                methodName + " $rid=" + call.requestId());
        session.get().requestMethod(methodName, call.requestId(), payload);
        return call.result();
    }

    /** The device answered a method request. */
    void methodAnswered(HubDevice device, String requestId, int status, byte[] body) {
        boolean expected = methods.answered(device, requestId, status, body);
        if (!expected) {
            counters.record(HubCounters.EventKind.METHOD_RESPONSE, device.hub(), device.deviceId(),
                    "status " + status + " for $rid=" + requestId + ", which no call waits for: ignored");
        }
    }

    @Override
    public void close() {
        methods.close();
    }
}
