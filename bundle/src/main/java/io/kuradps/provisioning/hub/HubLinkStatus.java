package io.kuradps.provisioning.hub;

/**
 * The hub link's state in one line, for {@code dps:status}. A service of this bundle only: the package is not
 * exported. The line never holds a secret.
 */
public interface HubLinkStatus {

    /** e.g. {@code CONNECTED: hub contoso.azure-devices.net as gw-1, token expires 2026-12-01T09:00:00Z}. */
    String describe();
}
