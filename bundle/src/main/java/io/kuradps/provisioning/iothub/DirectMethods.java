package io.kuradps.provisioning.iothub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.MethodRequest;
import io.kuradps.provisioning.api.device.MethodResponse;

/**
 * Direct methods as pure functions: a call read into the API's {@link MethodRequest}, and every answer the gateway
 * may give built into the topic and body to publish: the handler's own, 404 for an unknown method, 400 for a
 * payload that is not JSON, 500 for a handler that failed or answered what IoT Hub would not carry, 504 for one
 * past its deadline. Payloads both ways are JSON of at most {@value #MAX_PAYLOAD_BYTES} bytes, or empty
 * ("Understand and invoke direct methods from IoT Hub").
 */
public final class DirectMethods {

    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** What an exception's message may add to a 500's; longer messages are cut, a stack trace never goes. */
    static final int MAX_FAILURE_MESSAGE_CHARS = 512;
    private static final String NO_PAYLOAD = "null";

    private DirectMethods() {
    }

    /** An answer ready to publish: {@code $iothub/methods/res/{status}/?$rid={rid}} and its body. */
    public static final class Answer {
        private final int status;
        private final String topic;
        private final byte[] body;

        Answer(int status, String rid, byte[] body) {
            this.status = status;
            this.topic = HubTopics.methodResponse(status, rid);
            this.body = body.clone();
        }

        public int status() {
            return status;
        }

        public String topic() {
            return topic;
        }

        public byte[] body() {
            return body.clone();
        }

        @Override
        public String toString() {
            return "Answer[" + topic + ", " + body.length + " bytes]";
        }
    }

    /**
     * The request a handler gets: the payload's JSON text ({@code null} for an empty body), due at
     * {@code received + timeout}.
     *
     * @throws HubProtocolException when the payload is larger than IoT Hub allows or not JSON; answer with
     *                              {@link #badRequest}
     */
    public static MethodRequest request(ReceivedTopic.MethodCall call, byte[] payload, Instant received,
            Duration timeout) throws HubProtocolException {
        String json = NO_PAYLOAD;
        if (payload != null && payload.length > 0) {
            if (payload.length > MAX_PAYLOAD_BYTES) {
                throw new HubProtocolException("method " + call.name() + " payload: " + payload.length
                        + " bytes, more than IoT Hub's " + MAX_PAYLOAD_BYTES + " (128 KB)");
            }
            TwinJson.read(payload, "method " + call.name() + " payload");
            json = new String(payload, StandardCharsets.UTF_8).trim();
        }
        return new MethodRequest(call.name(), json, received.plus(timeout));
    }

    /**
     * How long a handler registered with these service properties may take: {@value
     * DirectMethodHandler#TIMEOUT_SECONDS} clamped to IoT Hub's 5..300 s, the default 30 s when absent or not a
     * number.
     */
    public static Duration handlerTimeout(Map<String, ?> serviceProperties) {
        Object value = serviceProperties.get(DirectMethodHandler.TIMEOUT_SECONDS);
        long seconds = DirectMethodHandler.DEFAULT_TIMEOUT_SECONDS;
        if (value instanceof Number) {
            seconds = ((Number) value).longValue();
        } else if (value instanceof String && ((String) value).trim().matches("[0-9]{1,9}")) {
            seconds = Long.parseLong(((String) value).trim());
        }
        seconds = Math.max(DirectMethodHandler.MIN_TIMEOUT_SECONDS,
                Math.min(DirectMethodHandler.MAX_TIMEOUT_SECONDS, seconds));
        return Duration.ofSeconds(seconds);
    }

    /**
     * The handler's answer, checked: a body that is not JSON or is over the limit becomes a 500 saying so, since
     * the hub would not carry it and the caller would only see a timeout.
     */
    public static Answer answer(String rid, String methodName, MethodResponse response) {
        if (!response.bodyJson().isPresent()) {
            return new Answer(response.status(), rid, new byte[0]);
        }
        byte[] body = response.bodyJson().get().getBytes(StandardCharsets.UTF_8);
        if (body.length > MAX_PAYLOAD_BYTES) {
            return message(rid, 500, "method " + methodName + " answered " + body.length
                    + " bytes, more than IoT Hub's " + MAX_PAYLOAD_BYTES + " (128 KB)");
        }
        try {
            TwinJson.read(body, "answer");
        } catch (HubProtocolException e) {
            return message(rid, 500, "method " + methodName + " answered with a body that is not JSON");
        }
        return new Answer(response.status(), rid, body);
    }

    /** 404: no handler for the name; the body lists the methods there are. */
    public static Answer notFound(String rid, String methodName, Collection<String> known) {
        ObjectNode body = TwinJson.newObject();
        body.put("message", "no method '" + methodName + "' on this gateway");
        ArrayNode methods = body.putArray("methods");
        for (String name : new TreeSet<>(known)) {
            methods.add(name);
        }
        return new Answer(404, rid, TwinJson.write(body));
    }

    /** 400: the call's payload was unusable ({@link #request}'s message). */
    public static Answer badRequest(String rid, HubProtocolException cause) {
        return message(rid, 400, cause.getMessage());
    }

    /** 500: the handler threw. Its class and message (cut to 512 characters) are told; its stack trace is not. */
    public static Answer failed(String rid, String methodName, Throwable failure) {
        String detail = failure.getMessage() == null ? "" : ": " + failure.getMessage();
        if (detail.length() > MAX_FAILURE_MESSAGE_CHARS) {
            detail = detail.substring(0, MAX_FAILURE_MESSAGE_CHARS) + "...";
        }
        return message(rid, 500, "method " + methodName + " failed: " + failure.getClass().getSimpleName()
                + detail);
    }

    /** 504: the handler was still running at its deadline. */
    public static Answer timedOut(String rid, String methodName, Duration timeout) {
        return message(rid, 504, "method " + methodName + " did not answer within " + timeout.getSeconds()
                + " s (" + DirectMethodHandler.TIMEOUT_SECONDS + ")");
    }

    private static Answer message(String rid, int status, String message) {
        ObjectNode body = TwinJson.newObject();
        body.put("message", message);
        return new Answer(status, rid, TwinJson.write(body));
    }
}
