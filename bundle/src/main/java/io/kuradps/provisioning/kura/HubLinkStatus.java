package io.kuradps.provisioning.kura;

/**
 * The hub link's state in one line, for {@code dps:status}. A service of this bundle only: the package is not
 * exported. The line never holds a secret.
 */
public interface HubLinkStatus {

    /** The configuration PID (and component name) of the hub link, the component that registers this service. */
    String COMPONENT_PID = "io.kuradps.provisioning.HubConnection";

    /** e.g. {@code CONNECTED: hub contoso.azure-devices.net as gw-1, token expires 2026-12-01T09:00:00Z}. */
    String describe();

    /** The hub link's line of {@code dps:status}; {@code status} null when the hub link is not configured. */
    static String line(HubLinkStatus status) {
        return "Hub link: " + (status == null ? "not configured (PID " + COMPONENT_PID + ")"
                : status.describe());
    }
}
