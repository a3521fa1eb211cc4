package io.kuradps.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The custom allocation an enrollment file can configure: returns the device's request payload merged with
 * a configured payload, and honours a request for a specific linked hub in the request field {@code iotHub}.
 */
final class EchoingCustomAllocation implements CustomAllocation {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String configuredPayloadJson;

    EchoingCustomAllocation(String configuredPayloadJson) {
        this.configuredPayloadJson = configuredPayloadJson;
    }

    @Override
    public Decision allocate(String registrationId, String requestPayloadJson, List<String> linkedHubs) {
        if (linkedHubs.isEmpty()) {
            throw new CustomAllocationFailure("Custom allocation failed: no linked IoT hub");
        }
        ObjectNode returned = MAPPER.createObjectNode();
        String hub = linkedHubs.get(0);
        try {
            if (requestPayloadJson != null) {
                JsonNode request = MAPPER.readTree(requestPayloadJson);
                if (request.isObject()) {
                    returned.setAll((ObjectNode) request);
                    String wanted = request.path("iotHub").asText(null);
                    if (wanted != null && linkedHubs.contains(wanted)) {
                        hub = wanted;
                    }
                }
            }
            if (configuredPayloadJson != null) {
                returned.setAll((ObjectNode) MAPPER.readTree(configuredPayloadJson));
            }
        } catch (JsonProcessingException e) {
            throw new CustomAllocationFailure("Custom allocation failed with status code: 400");
        }
        return new Decision(hub, null, returned.toString());
    }
}
