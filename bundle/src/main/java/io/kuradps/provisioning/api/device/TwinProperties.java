package io.kuradps.provisioning.api.device;

import java.util.Objects;

/**
 * The desired or reported properties of the device twin: the section as JSON text, without {@code $version} and
 * {@code $metadata}, and the {@code $version} the hub gave it (it only grows). Immutable value.
 */
public final class TwinProperties {

    private final String json;
    private final long version;

    /**
     * @param json    the section as a JSON object, e.g. {@code {"telemetryInterval":30}}
     * @param version its {@code $version}, not negative
     */
    public TwinProperties(String json, long version) {
        if (json == null || json.isEmpty()) {
            throw new IllegalArgumentException("json is required");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version " + version + " is negative");
        }
        this.json = json;
        this.version = version;
    }

    public String json() {
        return json;
    }

    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TwinProperties && ((TwinProperties) other).version == version
                && ((TwinProperties) other).json.equals(json);
    }

    @Override
    public int hashCode() {
        return Objects.hash(json, version);
    }

    @Override
    public String toString() {
        return "TwinProperties[version=" + version + ", " + json + "]";
    }
}
