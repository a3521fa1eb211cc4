package io.kuradps.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * One device's twin properties in a simulated hub: desired and reported, each with its {@code $version}, changed by
 * merge patches within IoT Hub's rules ({@link TwinDocuments}). A new twin's sections are empty at version 1.
 * Thread-safe.
 */
final class DeviceTwinState {

    /** A patch IoT Hub refuses: the status the device gets (400, or 412 for an out-of-date version), and why. */
    static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Rejection(String message) {
            this(400, message);
        }

        Rejection(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final ObjectNode desired = DpsJson.MAPPER.createObjectNode();
    private final ObjectNode reported = DpsJson.MAPPER.createObjectNode();
    private long desiredVersion = 1;
    private long reportedVersion = 1;

    /**
     * Patches the reported properties; returns their new version.
     *
     * @param baseVersion the version the device believes current (the request's {@code $version}), null for none:
     *        another one is refused with 412, as IoT Hub refuses it over MQTT (Azure IoT Java SDK's e2e test
     *        {@code TwinTests.sendMultipleReportedPropertiesChecksForVersion})
     */
    synchronized long patchReported(byte[] patch, Long baseVersion) throws Rejection {
        ObjectNode parsed = parse(patch);
        if (baseVersion != null && baseVersion != reportedVersion) {
            throw new Rejection(412, "the patch is for reported $version " + baseVersion + ", the twin's is "
                    + reportedVersion);
        }
        apply(reported, parsed, "reported");
        return ++reportedVersion;
    }

    /**
     * Patches the desired properties; returns the body IoT Hub pushes to the device:
     * the patch with the new {@code $version}.
     */
    synchronized ObjectNode patchDesired(byte[] patch) throws Rejection {
        ObjectNode parsed = parse(patch);
        apply(desired, parsed, "desired");
        parsed.put("$version", ++desiredVersion);
        return parsed;
    }

    synchronized long desiredVersion() {
        return desiredVersion;
    }

    synchronized Twin snapshot(String hub, String deviceId) {
        return new Twin(hub, deviceId, withVersion(desired, desiredVersion), withVersion(reported, reportedVersion),
                desiredVersion, reportedVersion);
    }

    private static String withVersion(ObjectNode section, long version) {
        ObjectNode copy = section.deepCopy();
        copy.put("$version", version);
        return copy.toString();
    }

    private static ObjectNode parse(byte[] patch) throws Rejection {
        JsonNode node;
        try {
            node = DpsJson.MAPPER.readTree(patch);
        } catch (IOException e) {
            throw new Rejection("the patch is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new Rejection("the patch must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static void apply(ObjectNode section, ObjectNode patch, String name) throws Rejection {
        String violation = TwinDocuments.violation(patch);
        if (violation != null) {
            throw new Rejection(violation);
        }
        ObjectNode patched = section.deepCopy();
        TwinDocuments.merge(patched, patch);
        int size = TwinDocuments.size(patched);
        if (size > TwinDocuments.MAX_SECTION_BYTES) {
            throw new Rejection("the " + name + " properties would be " + size + " bytes, more than IoT Hub's "
                    + TwinDocuments.MAX_SECTION_BYTES);
        }
        section.removeAll();
        section.setAll(patched);
    }
}
