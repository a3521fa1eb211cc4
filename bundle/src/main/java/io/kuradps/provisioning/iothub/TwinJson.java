package io.kuradps.provisioning.iothub;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Comparator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON as the IoT Hub core reads and writes it: Jackson's tree, numbers kept exact (a float as BigDecimal), one
 * value per body, the last of duplicate names winning. Read only here, so every body the hub sends fails the same
 * way: with a {@link HubProtocolException} naming the body, never with Jackson's own exception.
 */
final class TwinJson {

    /** More than IoT Hub sends in one message (256 KB, its MQTT packet bound): refused unread. */
    static final int MAX_RECEIVED_BYTES = 256 * 1024;

    /** Numbers compare by value (1 equals 1.0 and a long 1), everything else as Jackson compares it. */
    static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TwinJson() {
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** The JSON object {@code body} holds. */
    static ObjectNode readObject(byte[] body, String what) throws HubProtocolException {
        JsonNode value = read(body, what);
        if (!value.isObject()) {
            throw new HubProtocolException(what + ": expected a JSON object, got " + value.getNodeType());
        }
        return (ObjectNode) value;
    }

    /** Any one JSON value; an empty body is an error (callers that allow one check first). */
    static JsonNode read(byte[] body, String what) throws HubProtocolException {
        if (body == null || body.length == 0) {
            throw new HubProtocolException(what + ": empty body");
        }
        if (body.length > MAX_RECEIVED_BYTES) {
            throw new HubProtocolException(what + ": " + body.length + " bytes, more than IoT Hub sends ("
                    + MAX_RECEIVED_BYTES + ")");
        }
        try {
            JsonNode value = MAPPER.readTree(body);
            if (value == null || value.isMissingNode()) {
                throw new HubProtocolException(what + ": no JSON value");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new HubProtocolException(what + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                                    + ")"),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new HubProtocolException(what + ": unreadable JSON", e);
        }
    }

    /** Parses JSON text given by the gateway itself (a handler's answer, a contributed property). */
    static JsonNode parseText(String json, String what) throws HubProtocolException {
        return read(json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8), what);
    }

    static byte[] write(JsonNode value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree Jackson built always writes", e);
        }
    }

    static String text(JsonNode value) {
        return new String(write(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    static boolean sameValue(JsonNode a, JsonNode b) {
        return a.equals(BY_VALUE, b);
    }

    /** A number as IoT Hub's twin integers must be, or null when it is not an integer. */
    static BigDecimal integral(JsonNode number) {
        BigDecimal value = number.decimalValue();
        return value.stripTrailingZeros().scale() <= 0 ? value : null;
    }
}
