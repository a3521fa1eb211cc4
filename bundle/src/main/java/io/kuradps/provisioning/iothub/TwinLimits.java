package io.kuradps.provisioning.iothub;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * IoT Hub's limits on a twin's desired and reported sections ("Understand and use device twins in IoT Hub"), checked
 * on what the gateway is about to send, so a breach is named here instead of answered with a bare 400:
 * <ul>
 * <li>a section's size at most {@value #MAX_SECTION_BYTES} bytes: the sum, over every property, of its key's length
 * and its value's (a string's UTF-8 length without control characters, 8 for a number, 4 for a boolean, an object
 * the sum of its own properties); {@code $version} and {@code $metadata} do not count;</li>
 * <li>keys: at most {@value #MAX_KEY_BYTES} bytes of UTF-8, without control characters (C0, C1), {@code .},
 * {@code $} or a space;</li>
 * <li>strings at most {@value #MAX_STRING_BYTES} bytes; integers within &plusmn;2<sup>52</sup>; objects nested at most
 * {@value #MAX_DEPTH} deep below the section.</li>
 * </ul>
 * Paths in messages join keys with dots ({@code reported.kuraDps.hub}), which no key may hold.
 */
public final class TwinLimits {

    public static final int MAX_SECTION_BYTES = 32 * 1024;
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_STRING_BYTES = 4 * 1024;
    public static final int MAX_DEPTH = 10;
    static final BigDecimal MIN_INTEGER = BigDecimal.valueOf(-4503599627370496L);
    static final BigDecimal MAX_INTEGER = BigDecimal.valueOf(4503599627370495L);
    private static final int NUMBER_BYTES = 8;
    private static final int BOOLEAN_BYTES = 4;

    private TwinLimits() {
    }

    /**
     * Checks a whole section (or a patch: a null value, which deletes, counts nothing).
     *
     * @param path where the section sits, e.g. {@code reported}
     * @return the section's size as IoT Hub counts it
     * @throws HubLimitException naming the first limit broken and where
     */
    public static int checkSection(JsonNode section, String path) throws HubLimitException {
        if (!section.isObject()) {
            throw new HubLimitException(path + ": a twin section is a JSON object, not " + section.getNodeType());
        }
        int size = sizeOf(section, path, 0);
        if (size > MAX_SECTION_BYTES) {
            throw new HubLimitException(path + ": " + size + " bytes as IoT Hub counts them, more than its limit of "
                    + MAX_SECTION_BYTES + " (32 KB)");
        }
        return size;
    }

    /** The size IoT Hub counts for a section, without checking anything; read-only {@code $} members skipped. */
    public static int size(JsonNode section) {
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().startsWith("$")) {
                size += textBytes(field.getKey()) + valueSize(field.getValue());
            }
        }
        return size;
    }

    private static int sizeOf(JsonNode object, String path, int depth) throws HubLimitException {
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            checkKey(key, path);
            size += textBytes(key) + checkedValueSize(field.getValue(), path + "." + key, depth);
        }
        return size;
    }

    private static int checkedValueSize(JsonNode value, String path, int depth) throws HubLimitException {
        if (value.isObject()) {
            if (depth + 1 > MAX_DEPTH) {
                throw new HubLimitException(path + ": objects nested more than " + MAX_DEPTH
                        + " deep, IoT Hub's limit");
            }
            return sizeOf(value, path, depth + 1);
        }
        if (value.isArray()) {
            int size = 0;
            int index = 0;
            for (JsonNode element : value) {
                size += checkedValueSize(element, path + "[" + index++ + "]", depth);
            }
            return size;
        }
        if (value.isTextual()) {
            int bytes = value.textValue().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_STRING_BYTES) {
                throw new HubLimitException(path + ": a string of " + bytes + " bytes, more than IoT Hub's "
                        + MAX_STRING_BYTES + " (4 KB)");
            }
            return textBytes(value.textValue());
        }
        if (value.isIntegralNumber()) {
            BigDecimal integer = value.decimalValue();
            if (integer.compareTo(MIN_INTEGER) < 0 || integer.compareTo(MAX_INTEGER) > 0) {
                throw new HubLimitException(path + ": " + integer.toPlainString()
                        + " is outside the integers IoT Hub keeps (-2^52..2^52-1); send it as a string");
            }
        }
        return valueSize(value);
    }

    private static void checkKey(String key, String path) throws HubLimitException {
        if (key.isEmpty()) {
            throw new HubLimitException(path + ": an empty key");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new HubLimitException(path + ": a key longer than IoT Hub's " + MAX_KEY_BYTES + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || isControl(c)) {
                throw new HubLimitException(path + ": key '" + printable(key) + "' holds "
                        + (isControl(c) ? "a control character" : "'" + c + "'")
                        + ", which IoT Hub does not allow in a twin key (no '.', '$', space or control character)");
            }
        }
    }

    private static int valueSize(JsonNode value) {
        if (value.isObject()) {
            return size(value);
        }
        if (value.isArray()) {
            int size = 0;
            for (JsonNode element : value) {
                size += valueSize(element);
            }
            return size;
        }
        if (value.isTextual()) {
            return textBytes(value.textValue());
        }
        if (value.isNumber()) {
            return NUMBER_BYTES;
        }
        if (value.isBoolean()) {
            return BOOLEAN_BYTES;
        }
        return 0;
    }

    /** UTF-8 bytes without the control characters, which IoT Hub does not count. */
    private static int textBytes(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                continue;
            }
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F;
    }

    private static String printable(String key) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < key.length() && i < 64; i++) {
            char c = key.charAt(i);
            shown.append(isControl(c) ? '?' : c);
        }
        return key.length() > 64 ? shown + "..." : shown.toString();
    }
}
