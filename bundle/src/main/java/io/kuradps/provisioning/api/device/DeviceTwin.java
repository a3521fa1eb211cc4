package io.kuradps.provisioning.api.device;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's device twin, as this bundle keeps it over the one hub connection: the desired properties (read
 * whole after every connect, then updated as the hub pushes changes) and the reported properties as the hub holds
 * them. Other bundles may report properties of their own, each under a top-level name; the bundle sends only what
 * changed, as IoT Hub asks. Registered while the component io.kuradps.provisioning.DeviceTwin runs (on by
 * default); implemented by this bundle only.
 *
 * <pre>{@code
 * @Reference
 * DeviceTwin twin;
 *
 * void publishFirmware() {
 *     twin.report("firmware", "{\"version\":\"1.4.2\",\"channel\":\"stable\"}");
 * }
 *
 * int telemetryInterval() {
 *     // desired: {"telemetryInterval":30,...}; parse the JSON with the library of your choice
 *     return twin.desired().map(d -> parseInterval(d.json())).orElse(60);
 * }
 * }</pre>
 */
@ProviderType
public interface DeviceTwin {

    /** The top-level reported property under which this bundle reports the provisioning state. Reserved. */
    String KURA_DPS = "kuraDps";
    /**
     * The top-level property of the desired Kura configuration (opt-in, see the bundle's README) and of its
     * outcome in the reported properties. Reserved.
     */
    String KURA_CONFIGURATION = "kuraConfiguration";

    /** The desired properties; empty until the twin has been read once since the bundle started. */
    Optional<TwinProperties> desired();

    /** The reported properties as the hub last confirmed them; empty until the twin has been read once. */
    Optional<TwinProperties> reported();

    /**
     * Wants {@code name} reported as {@code valueJson}, replacing what the caller reported under that name before
     * (objects are compared member by member; only the difference is sent). Returns at once; sent when connected,
     * and again after every reconnect if the hub holds something else. A failure (a limit broken, the hub refusing)
     * is logged and shown in the bundle's status, not thrown.
     *
     * @param name      a top-level name: not {@value #KURA_DPS} or {@value #KURA_CONFIGURATION}, and no {@code .},
     *                  {@code $}, space or control character (IoT Hub's rule for twin keys)
     * @param valueJson the value as JSON text; null deletes the property from the twin
     * @throws IllegalArgumentException for a reserved or invalid name, or text that is not JSON
     */
    void report(String name, String valueJson);
}
