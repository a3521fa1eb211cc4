package io.kuradps.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A device twin's properties as the simulated hub holds them: a snapshot, immutable. The JSON texts are what a
 * device's twin GET shows of each section, {@code $version} included.
 *
 * @param hub the hub's host name
 * @param deviceId the device
 * @param desired the desired properties, JSON, with {@code "$version"}
 * @param reported the reported properties, JSON, with {@code "$version"}
 * @param desiredVersion the desired properties' {@code $version} (1 for a new twin; +1 for each patch)
 * @param reportedVersion the reported properties' {@code $version}
 */
public record Twin(String hub, String deviceId, String desired, String reported, long desiredVersion,
        long reportedVersion) {

    public Twin {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(reported, "reported");
    }

    /**
     * A reported value by its path, e.g. {@code reportedAt("kuraDps", "deviceId")}: a string as its text, anything
     * else as JSON; empty when absent.
     */
    public Optional<String> reportedAt(String... path) {
        return at(reported, path);
    }

    /** A desired value by its path: a string as its text, anything else as JSON; empty when absent. */
    public Optional<String> desiredAt(String... path) {
        return at(desired, path);
    }

    /** The document a device's twin GET is answered with: {@code {"desired":{...},"reported":{...}}}. */
    public String document() {
        return "{\"desired\":" + desired + ",\"reported\":" + reported + "}";
    }

    private static Optional<String> at(String json, String... path) {
        JsonNode node;
        try {
            node = DpsJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a twin section is not JSON", e);
        }
        for (String name : path) {
            node = node.path(name);
        }
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(node.isTextual() ? node.asText() : node.toString());
    }
}
