package io.kuradps.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * How a direct method invocation ended, as IoT Hub's service API reports it: the device's answer (its status and
 * JSON body), or the hub's own when the device could not answer: 404 with error code 404103 (DeviceNotOnline: not
 * connected, or not subscribed to {@code $iothub/methods/POST/#}), 504 with 504101 (GatewayTimeout: no answer within
 * the response timeout), 413 with 413001 (the device's answer exceeded 128 KB).
 *
 * @param hub the hub's host name
 * @param deviceId the device invoked
 * @param methodName the method
 * @param requestId the {@code $rid} of the request published to the device, null when none was published
 * @param status the device's status, or the hub's when {@link #answeredByDevice()} is false
 * @param payload the device's JSON body (null when it sent none), or the hub's error body
 * @param answeredByDevice true when status and payload are the device's
 * @param invokedAt when the service invoked it, on the simulator's clock
 * @param endedAt when the answer came or the hub gave up, on the simulator's clock
 */
public record MethodResult(String hub, String deviceId, String methodName, String requestId, int status,
        String payload, boolean answeredByDevice, Instant invokedAt, Instant endedAt) {

    public MethodResult {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(methodName, "methodName");
    }

    /** IoT Hub's error code when the hub answered (404103, 504101, 413001), else 0. */
    public int errorCode() {
        if (answeredByDevice || payload == null) {
            return 0;
        }
        try {
            return DpsJson.MAPPER.readTree(payload).path("errorCode").asInt();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
