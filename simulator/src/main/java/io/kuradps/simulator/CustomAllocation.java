package io.kuradps.simulator;

import java.util.List;

/**
 * The simulator's stand-in for a DPS custom allocation webhook. JSON travels as text so that callers need no
 * JSON library of their own.
 */
@FunctionalInterface
public interface CustomAllocation {

    /**
     * Decides where a device goes.
     *
     * @param registrationId the registering device
     * @param requestPayloadJson the {@code payload} the device sent, as JSON text, or null when it sent none
     * @param linkedHubs the enrollment's linked hubs
     * @return the decision
     * @throws CustomAllocationFailure to make the registration fail with 400207, as a failing webhook does
     */
    Decision allocate(String registrationId, String requestPayloadJson, List<String> linkedHubs);

    /**
     * @param hub the assigned hub (null fails the registration with 400207)
     * @param deviceId the device id (null keeps the enrollment's)
     * @param payloadJson JSON text returned to the device as registrationState.payload, or null
     */
    record Decision(String hub, String deviceId, String payloadJson) {
    }

    /** Thrown by a custom allocation to fail the registration. */
    final class CustomAllocationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CustomAllocationFailure(String message) {
            super(message);
        }
    }
}
