package io.kuradps.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * IoT Hub's rules for twin property documents, as pure functions (Microsoft's "Understand and use device twins in
 * IoT Hub", "Tags and properties format" and "Device twin size"): JSON merge patches, what keys and values may be,
 * and how a section's size is counted against its 32 KB.
 */
final class TwinDocuments {

    /** IoT Hub's limit for each of desired and reported, {@code $version} and metadata excluded. */
    static final int MAX_SECTION_BYTES = 32 * 1024;
    /** Objects nest at most this deep below a section. */
    static final int MAX_DEPTH = 10;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_STRING_BYTES = 4 * 1024;
    static final long MAX_INTEGER = 4503599627370495L;
    static final long MIN_INTEGER = -4503599627370496L;
    /** Numbers count 8 bytes, booleans 4, in a section's size. */
    private static final int NUMBER_BYTES = 8;
    private static final int BOOLEAN_BYTES = 4;

    private TwinDocuments() {
    }

    /**
     * Why a patch breaks IoT Hub's rules for keys and values, or null when it does not: keys of at most 1 KB with
     * no control character, {@code .}, {@code $} or space; strings of at most 4 KB; integers within
     * -2^52..2^52-1; objects at most {@value #MAX_DEPTH} deep; no null inside arrays. A null member is allowed
     * (it deletes).
     */
    static String violation(ObjectNode patch) {
        return violation(patch, 1);
    }

    private static String violation(JsonNode object, int depth) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            String keyProblem = keyViolation(key);
            if (keyProblem != null) {
                return keyProblem;
            }
            JsonNode value = field.getValue();
            if (value.isObject()) {
                if (depth > MAX_DEPTH) {
                    return "property '" + key + "' nests objects deeper than " + MAX_DEPTH + " levels";
                }
                String nested = violation(value, depth + 1);
                if (nested != null) {
                    return nested;
                }
            } else {
                String valueProblem = valueViolation(key, value);
                if (valueProblem != null) {
                    return valueProblem;
                }
            }
        }
        return null;
    }

    private static String keyViolation(String key) {
        if (key.isEmpty()) {
            return "a property name is empty";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "property name '" + key.substring(0, 16) + "...' is longer than " + MAX_KEY_BYTES + " bytes";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c) || c == '.' || c == '$' || c == ' ') {
                return "property name '" + key + "' contains '" + (Character.isISOControl(c) ? "\\u"
                        + String.format("%04x", (int) c) : String.valueOf(c)) + "', which IoT Hub does not allow";
            }
        }
        return null;
    }

    private static String valueViolation(String key, JsonNode value) {
        if (value.isTextual() && value.asText().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            return "the value of '" + key + "' is longer than " + MAX_STRING_BYTES + " bytes";
        }
        if (value.isIntegralNumber() && (!value.canConvertToLong() || value.asLong() > MAX_INTEGER
                || value.asLong() < MIN_INTEGER)) {
            return "the value of '" + key + "' is outside " + MIN_INTEGER + ".." + MAX_INTEGER;
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (element.isNull()) {
                    return "the array '" + key + "' holds null";
                }
                String nested = element.isObject() ? violation(element, 1) : valueViolation(key, element);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    /** Applies a JSON merge patch (RFC 7386) to the target in place: null deletes, objects merge, others replace. */
    static void merge(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject()) {
                JsonNode existing = target.get(field.getKey());
                ObjectNode merged = existing != null && existing.isObject() ? (ObjectNode) existing
                        : target.putObject(field.getKey());
                merge(merged, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    /**
     * A section's size as IoT Hub counts it: for each property the UTF-8 length of its key plus its value's size
     * (strings by UTF-8 length, numbers 8, booleans 4, objects and arrays what they hold).
     */
    static int size(JsonNode node) {
        int size = 0;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                size += field.getKey().getBytes(StandardCharsets.UTF_8).length + size(field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                size += size(element);
            }
        } else if (node.isTextual()) {
            size = node.asText().getBytes(StandardCharsets.UTF_8).length;
        } else if (node.isNumber()) {
            size = NUMBER_BYTES;
        } else if (node.isBoolean()) {
            size = BOOLEAN_BYTES;
        }
        return size;
    }
}
