package io.kuradps.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The direct method calls the simulated hubs have in flight, as IoT Hub's service side keeps them: each waits for
 * the device's answer by its {@code $rid} until its response timeout passes on the simulator's clock, then ends
 * with 504 / 504101; every call ends exactly once, and its result goes to the recorder. Thread-safe.
 */
final class DirectMethods implements AutoCloseable {

    /** IoT Hub's default {@code responseTimeoutInSeconds}. */
    static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_RESPONSE_TIMEOUT = Duration.ofSeconds(300);
    /** IoT Hub: "The payload for method requests and responses is a JSON document up to 128 KB." */
    static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** While a call waits, it looks at the simulator's clock this often, so a test clock can jump. */
    private static final long CLOCK_CHECK_MILLIS = 1000;

    private final Clock clock;
    private final Consumer<MethodResult> recorder;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kura-dps-hub-method-timeouts");
        thread.setDaemon(true);
        return thread;
    });

    /** A call waiting for its answer. */
    record Call(HubDevice device, String methodName, String requestId, Instant invokedAt, Instant deadline,
            CompletableFuture<MethodResult> result) {
    }

    DirectMethods(Clock clock, Consumer<MethodResult> recorder) {
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Checks an invocation as IoT Hub's service API does.
     *
     * @return the payload to publish, as JSON text
     * @throws HubServiceException 400004 for a bad method name, payload or timeout, 413001 for a payload over 128 KB
     */
    static String checked(String methodName, String jsonPayload, Duration responseTimeout) {
        if (methodName == null || methodName.isEmpty()
                || !methodName.chars().allMatch(c -> c > ' ' && c < 127 && "/?#+".indexOf(c) < 0)) {
            throw HubServiceException.argumentInvalid("methodName '" + methodName
                    + "' must be printable ASCII without space, '/', '?', '#' or '+'");
        }
        if (responseTimeout == null || responseTimeout.compareTo(MIN_RESPONSE_TIMEOUT) < 0
                || responseTimeout.compareTo(MAX_RESPONSE_TIMEOUT) > 0) {
            throw HubServiceException.argumentInvalid("responseTimeoutInSeconds must be "
                    + MIN_RESPONSE_TIMEOUT.toSeconds() + " to " + MAX_RESPONSE_TIMEOUT.toSeconds() + ", was "
                    + (responseTimeout == null ? null : responseTimeout.toSeconds()));
        }
        String payload = jsonPayload == null ? "null" : jsonPayload;
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw HubServiceException.tooLarge("a method payload is at most " + MAX_PAYLOAD_BYTES + " bytes");
        }
        try {
            JsonNode parsed = DpsJson.MAPPER.readTree(payload);
            if (parsed == null) {
                throw HubServiceException.argumentInvalid("the method payload is empty; send JSON (null for none)");
            }
            return parsed.toString();
        } catch (IOException e) {
            throw HubServiceException.argumentInvalid("the method payload is not valid JSON");
        }
    }

    /** Registers a call whose request is about to be published; it ends with 504 when its timeout passes. */
    Call start(HubDevice device, String methodName, Duration responseTimeout) {
        Instant now = clock.instant();
        Call call = new Call(device, methodName, Long.toString(requestIds.incrementAndGet()), now,
                now.plus(responseTimeout), new CompletableFuture<>());
        calls.put(call.requestId(), call);
        watch(call);
        return call;
    }

    /** A call that cannot reach the device: 404 / 404103 at once. */
    CompletableFuture<MethodResult> notOnline(HubDevice device, String methodName, String why) {
        Instant now = clock.instant();
        MethodResult result = new MethodResult(device.hub(), device.deviceId(), methodName, null, 404,
                errorBody(404103, "DeviceNotOnline: " + why, now), false, now, now);
        recorder.accept(result);
        return CompletableFuture.completedFuture(result);
    }

    /**
     * The device's answer to a request: ends its call. An answer no call waits for (unknown {@code $rid}, another
     * device's, or late) is ignored, as IoT Hub ignores it.
     *
     * @return false when no call of that device waited for it
     */
    boolean answered(HubDevice device, String requestId, int status, byte[] body) {
        Call call = calls.get(requestId);
        if (call == null || !call.device().hub().equalsIgnoreCase(device.hub())
                || !call.device().deviceId().equals(device.deviceId())) {
            return false;
        }
        Instant now = clock.instant();
        if (body.length > MAX_PAYLOAD_BYTES) {
            return end(call, 413, errorBody(413001, "MessageTooLarge: the device's answer is " + body.length
                    + " bytes, more than " + MAX_PAYLOAD_BYTES, now), false);
        }
        return end(call, status, body.length == 0 ? null : new String(body, StandardCharsets.UTF_8), true);
    }

    private void watch(Call call) {
        long left = Duration.between(clock.instant(), call.deadline()).toMillis();
        if (left <= 0) {
            end(call, 504, errorBody(504101, "GatewayTimeout: the device did not answer "
                    + call.methodName() + " within " + Duration.between(call.invokedAt(), call.deadline()).toSeconds()
                    + " s", clock.instant()), false);
            return;
        }
        if (!timer.isShutdown()) {
            timer.schedule(() -> {
                if (!call.result().isDone()) {
                    watch(call);
                }
            }, Math.min(left, CLOCK_CHECK_MILLIS), TimeUnit.MILLISECONDS);
        }
    }

    private boolean end(Call call, int status, String payload, boolean byDevice) {
        if (!calls.remove(call.requestId(), call)) {
            return false;
        }
        MethodResult result = new MethodResult(call.device().hub(), call.device().deviceId(), call.methodName(),
                call.requestId(), status, payload, byDevice, call.invokedAt(), clock.instant());
        recorder.accept(result);
        call.result().complete(result);
        return true;
    }

    static String errorBody(int errorCode, String message, Instant now) {
        return DpsJson.errorBody(errorCode, message, now).toString();
    }

    /** Ends every waiting call with 504 (the hub went away) and stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (Call call : calls.values()) {
            end(call, 504, errorBody(504101, "GatewayTimeout: the hub stopped", clock.instant()), false);
        }
    }
}
