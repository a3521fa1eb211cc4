package io.kuradps.provisioning.iothub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the copied IoT Hub vectors (see vectors/iothub/README.md). */
final class HubVectors {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HubVectors() {
    }

    static JsonNode json(String name) {
        try (InputStream in = HubVectors.class.getResourceAsStream("/vectors/iothub/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + name);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** [[name, value], ...] as the pairs a property bag should hold; a JSON null value stays null. */
    static List<String[]> pairs(JsonNode array) {
        List<String[]> pairs = new ArrayList<>();
        array.forEach(pair -> pairs.add(new String[] { pair.get(0).asText(),
            pair.get(1).isNull() ? null : pair.get(1).asText() }));
        return pairs;
    }
}
