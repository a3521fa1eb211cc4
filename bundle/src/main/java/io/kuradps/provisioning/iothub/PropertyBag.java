package io.kuradps.provisioning.iothub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kuradps.provisioning.protocol.UrlEncoding;

/**
 * The properties a cloud-to-device or telemetry topic carries after its last fixed segment, as IoT Hub writes them
 * ({@code name=value&name=&name}, each part percent-encoded): the system properties, whose names start with
 * {@code $.} (or {@code iothub-}, as {@code iothub-ack}), and the application's own. A name alone has the value
 * null, {@code name=} the empty string (Microsoft's "Communicate with an IoT hub using the MQTT protocol"). Order
 * is kept. Immutable.
 */
public final class PropertyBag {

    /** Message id, as the service or the sender set it. */
    public static final String MESSAGE_ID = "$.mid";
    public static final String CORRELATION_ID = "$.cid";
    public static final String USER_ID = "$.uid";
    /** The destination, {@code /devices/{id}/messages/deviceBound} on a cloud-to-device message. */
    public static final String TO = "$.to";
    /** E.g. {@code application/json}; IoT Hub routes on a JSON body only with it and {@link #CONTENT_ENCODING}. */
    public static final String CONTENT_TYPE = "$.ct";
    public static final String CONTENT_ENCODING = "$.ce";
    /** Expiry of a cloud-to-device message (absolute time, as IoT Hub writes it). */
    public static final String EXPIRY = "$.exp";
    /** The feedback the sender asked for: none, positive, negative or full. */
    public static final String ACK = "iothub-ack";

    private static final String SYSTEM_PREFIX = "$.";
    private static final String SERVICE_PREFIX = "iothub-";
    private static final PropertyBag EMPTY = new PropertyBag(new LinkedHashMap<>());

    private final Map<String, String> properties;

    private PropertyBag(Map<String, String> properties) {
        this.properties = Collections.unmodifiableMap(properties);
    }

    public static PropertyBag empty() {
        return EMPTY;
    }

    /**
     * Parses an encoded bag: {@code &}-separated parts, each a percent-encoded name, optionally {@code =} and a
     * percent-encoded value; empty parts (a trailing {@code &}) are skipped, and so is one leading {@code ?}, which
     * Microsoft's example of a bag shows. A name given twice is an error.
     */
    public static PropertyBag parse(String encoded) throws HubProtocolException {
        String bag = encoded.startsWith("?") ? encoded.substring(1) : encoded;
        Map<String, String> properties = new LinkedHashMap<>();
        if (bag.isEmpty()) {
            return EMPTY;
        }
        for (String part : bag.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int equals = part.indexOf('=');
            String name = decode(equals < 0 ? part : part.substring(0, equals), "property name");
            if (name.isEmpty()) {
                throw new HubProtocolException("property bag: '" + part + "' has no name");
            }
            String value = equals < 0 ? null : decode(part.substring(equals + 1), "property " + name);
            if (properties.containsKey(name)) {
                throw new HubProtocolException("property bag: '" + name + "' is given twice");
            }
            properties.put(name, value);
        }
        return new PropertyBag(properties);
    }

    /** This bag with {@code name} set to {@code value} (null: the name alone); an existing name keeps its place. */
    public PropertyBag with(String name, String value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a property needs a name");
        }
        Map<String, String> copy = new LinkedHashMap<>(properties);
        copy.put(name, value);
        return new PropertyBag(copy);
    }

    /**
     * The bag as a topic carries it. The {@code $.} of a system property's name stays as it is, as Microsoft's
     * examples ({@code $.ct=application%2Fjson&$.ce=utf-8}) and the Azure SDKs write it; everything else is encoded.
     */
    public String encode() {
        StringBuilder encoded = new StringBuilder();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (encoded.length() > 0) {
                encoded.append('&');
            }
            String name = property.getKey();
            encoded.append(name.startsWith(SYSTEM_PREFIX)
                    ? SYSTEM_PREFIX + UrlEncoding.encode(name.substring(SYSTEM_PREFIX.length()))
                    : UrlEncoding.encode(name));
            if (property.getValue() != null) {
                encoded.append('=').append(UrlEncoding.encode(property.getValue()));
            }
        }
        return encoded.toString();
    }

    /** Every property, decoded, in the order received; a null value is a name given alone. */
    public Map<String, String> all() {
        return properties;
    }

    /** The properties whose names start with {@code $.} or {@code iothub-}. */
    public Map<String, String> systemProperties() {
        return select(true);
    }

    /** The application's own properties: every other name. */
    public Map<String, String> userProperties() {
        return select(false);
    }

    /** The value of {@code name}; empty when absent or given without a value. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    public Optional<String> messageId() {
        return get(MESSAGE_ID);
    }

    public Optional<String> correlationId() {
        return get(CORRELATION_ID);
    }

    public Optional<String> contentType() {
        return get(CONTENT_TYPE);
    }

    public Optional<String> contentEncoding() {
        return get(CONTENT_ENCODING);
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    private Map<String, String> select(boolean system) {
        Map<String, String> selected = new LinkedHashMap<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = property.getKey();
            if ((name.startsWith(SYSTEM_PREFIX) || name.startsWith(SERVICE_PREFIX)) == system) {
                selected.put(name, property.getValue());
            }
        }
        return Collections.unmodifiableMap(selected);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PropertyBag && ((PropertyBag) other).properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    @Override
    public String toString() {
        return "PropertyBag" + properties;
    }

    /** A percent-encoded part of a hub topic ({@link UrlEncoding}, the rule's one home), as the core's error. */
    static String decode(String value, String part) throws HubProtocolException {
        try {
            return UrlEncoding.decode(value, part);
        } catch (IllegalArgumentException e) {
            throw new HubProtocolException(e.getMessage(), e);
        }
    }
}
