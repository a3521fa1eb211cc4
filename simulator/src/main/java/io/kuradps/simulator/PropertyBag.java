package io.kuradps.simulator;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * IoT Hub's MQTT property bag, the part of a message topic after {@code messages/events/} or
 * {@code messages/devicebound/}: {@code key=value} pairs joined by {@code &}, keys and values URL-encoded as in a
 * query string (Microsoft's "Communicate with an IoT hub using the MQTT protocol"). Pure functions.
 */
final class PropertyBag {

    private PropertyBag() {
    }

    /**
     * The pairs of a bag, decoded, in order; a key without {@code =} has the empty value.
     *
     * @throws IllegalArgumentException when the bag is not percent-encoded
     */
    static Map<String, String> decode(String bag) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : bag.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            properties.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                    equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return properties;
    }

    /**
     * The bag IoT Hub puts on a cloud-to-device topic: each key and value percent-encoded ({@code $} as {@code %24},
     * a space as {@code %20}, as in IoT Hub's captured topics such as
     * {@code %24.mid=...&%24.to=%2Fdevices%2Fd1%2Fmessages%2Fdevicebound&iothub-ack=none}); a null value gives the
     * key alone, an empty one {@code key=}.
     */
    static String encode(Map<String, String> properties) {
        StringJoiner bag = new StringJoiner("&");
        properties.forEach((key, value) -> bag.add(value == null ? encode(key) : encode(key) + "=" + encode(value)));
        return bag.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
    }
}
