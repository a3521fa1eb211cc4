package io.kuradps.provisioning.iothub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The desired or reported properties of a twin, or a patch of them, with the {@code $version} the hub gave them;
 * read-only members ({@code $version}, {@code $metadata}) are not among the properties. Immutable: the tree is
 * copied in and out. Equal when the versions are and the properties are (numbers by value).
 */
public final class TwinSection {

    private final ObjectNode properties;
    private final long version;

    TwinSection(ObjectNode properties, long version) {
        this.properties = properties.deepCopy();
        this.version = version;
    }

    /** A copy of the properties. */
    public ObjectNode properties() {
        return properties.deepCopy();
    }

    public long version() {
        return version;
    }

    /** The properties as compact JSON text, without {@code $version}. */
    public String json() {
        return TwinJson.text(properties);
    }

    JsonNode tree() {
        return properties;
    }

    /** The properties with {@code patch} merged in, at the patch's version. */
    TwinSection merged(TwinSection patch) {
        return new TwinSection((ObjectNode) MergePatch.apply(properties, patch.properties), patch.version);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TwinSection && ((TwinSection) other).version == version
                && TwinJson.sameValue(((TwinSection) other).properties, properties);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "TwinSection[version=" + version + ", " + TwinLimits.size(properties) + " bytes]";
    }
}
