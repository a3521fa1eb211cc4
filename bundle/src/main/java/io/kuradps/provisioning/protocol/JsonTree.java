package io.kuradps.provisioning.protocol;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON document as plain values, read with Jackson's streaming parser: objects as maps (the last of duplicate
 * names wins), arrays as lists, strings, numbers, booleans and {@link #NULL}. Jackson's data binding would do the
 * same at three times the start-up cost, which a gateway pays at every boot (bench/RESULTS.md, first registration).
 */
final class JsonTree {

    /** JSON null, so that a map can tell it from an absent name. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree() {
    }

    /**
     * The one value {@code body} holds; the encoding (UTF-8, -16 or -32) is detected.
     *
     * @throws IOException when the bytes are not one JSON value (trailing tokens included)
     */
    static Object parse(byte[] body) throws IOException {
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            Object value = value(parser, first);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser,
                        "Trailing token (of type " + trailing + ") found after value");
            }
            return value;
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next == JsonToken.FIELD_NAME; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return Collections.unmodifiableMap(object);
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(value(parser, next));
                }
                return Collections.unmodifiableList(array);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "Unexpected token " + token);
        }
    }

    /** What kind of value this is, in the words of JSON. */
    static String kind(Object value) {
        if (value instanceof Map) {
            return "OBJECT";
        }
        if (value instanceof List) {
            return "ARRAY";
        }
        if (value instanceof String) {
            return "STRING";
        }
        if (value instanceof Number) {
            return "NUMBER";
        }
        if (value instanceof Boolean) {
            return "BOOLEAN";
        }
        return "NULL";
    }

    /** An integer that fits an int, or null. */
    static Integer intValue(Object value) {
        if (value instanceof Integer) {
            return (Integer) value;
        }
        if (value instanceof Long && (Long) value == ((Long) value).intValue()) {
            return ((Long) value).intValue();
        }
        return null;
    }

    /** The value as compact JSON text. */
    static String render(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
            write(json, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return text.toString();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value instanceof Map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                json.writeFieldName((String) entry.getKey());
                write(json, entry.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List) {
            json.writeStartArray();
            for (Object element : (List<?>) value) {
                write(json, element);
            }
            json.writeEndArray();
        } else if (value instanceof String) {
            json.writeString((String) value);
        } else if (value instanceof BigDecimal) {
            json.writeNumber((BigDecimal) value);
        } else if (value instanceof Number) {
            json.writeNumber(value.toString());
        } else if (value instanceof Boolean) {
            json.writeBoolean((Boolean) value);
        } else {
            json.writeNull();
        }
    }
}
