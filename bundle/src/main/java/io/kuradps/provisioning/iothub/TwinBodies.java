package io.kuradps.provisioning.iothub;

import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bodies of twin messages: the document a GET returns, the desired patches the hub pushes, the reported patches
 * the gateway sends. Parsing accepts any bytes and only ever throws {@link HubProtocolException}.
 */
public final class TwinBodies {

    private static final String VERSION = "$version";
    private static final String METADATA = "$metadata";

    private TwinBodies() {
    }

    /** The desired and reported sections of a twin, as a GET returned them. */
    public static final class TwinDocument {
        private final TwinSection desired;
        private final TwinSection reported;

        TwinDocument(TwinSection desired, TwinSection reported) {
            this.desired = desired;
            this.reported = reported;
        }

        public TwinSection desired() {
            return desired;
        }

        public TwinSection reported() {
            return reported;
        }

        @Override
        public String toString() {
            return "TwinDocument[desired=" + desired + ", reported=" + reported + "]";
        }
    }

    /**
     * The body of a 200 answer to a twin GET: {@code {"desired":{...,"$version":n},"reported":{...,"$version":m}}}.
     * Both sections and both versions are required.
     */
    public static TwinDocument parseTwin(byte[] body) throws HubProtocolException {
        ObjectNode twin = TwinJson.readObject(body, "twin document");
        return new TwinDocument(section(twin, "desired"), section(twin, "reported"));
    }

    /**
     * The body of a desired update: the patch, whose own {@code $version} (when present) must agree with the
     * topic's, which is the one kept.
     */
    public static TwinSection parseDesiredPatch(byte[] body, long topicVersion) throws HubProtocolException {
        ObjectNode patch = TwinJson.readObject(body, "desired update");
        JsonNode version = patch.get(VERSION);
        if (version != null && !(isVersion(version) && version.asLong() == topicVersion)) {
            throw new HubProtocolException("desired update $version: the body says " + version
                    + ", the topic " + topicVersion);
        }
        return new TwinSection(withoutReadOnly(patch), topicVersion);
    }

    /**
     * The body of a reported patch, checked against IoT Hub's limits on what the reported section becomes.
     *
     * @param held what the hub holds now, to which the patch is applied for the size check
     */
    public static byte[] reportedPatch(ObjectNode patch, JsonNode held) throws HubLimitException {
        TwinLimits.checkSection(patch, "reported patch");
        TwinLimits.checkSection(MergePatch.apply(held, patch), "reported");
        return TwinJson.write(patch);
    }

    /**
     * JSON text the gateway itself gives, e.g. a value another bundle reports, read as the hub's bodies are (numbers
     * exact, one value).
     *
     * @param what what the text is, for the message
     */
    public static JsonNode parseValue(String json, String what) throws HubProtocolException {
        return TwinJson.parseText(json, what);
    }

    private static TwinSection section(ObjectNode twin, String name) throws HubProtocolException {
        JsonNode section = twin.get(name);
        if (section == null || !section.isObject()) {
            throw new HubProtocolException("twin document " + name + ": "
                    + (section == null ? "missing" : "expected a JSON object, got " + section.getNodeType()));
        }
        JsonNode version = section.get(VERSION);
        if (version == null || !isVersion(version)) {
            throw new HubProtocolException("twin document " + name + " $version: "
                    + (version == null ? "missing" : "not a version number: " + version));
        }
        return new TwinSection(withoutReadOnly((ObjectNode) section), version.asLong());
    }

    private static boolean isVersion(JsonNode version) {
        return version.isIntegralNumber() && version.canConvertToLong() && version.asLong() >= 0;
    }

    private static ObjectNode withoutReadOnly(ObjectNode section) {
        ObjectNode properties = section.deepCopy();
        for (Iterator<String> names = section.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (VERSION.equals(name) || METADATA.equals(name)) {
                properties.remove(name);
            }
        }
        return properties;
    }
}
