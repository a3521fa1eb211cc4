package io.kuradps.simulator;

import java.util.Objects;

/**
 * A device identity in a simulated IoT hub's registry, as DPS created it at assignment. Its credentials are those
 * of the enrollment at that moment (IoT Hub keeps the keys DPS gave it until the device provisions again).
 * Immutable; keys never appear in {@link #toString()}.
 *
 * @param hub the hub's host name
 * @param deviceId the device id (case-sensitive, as in IoT Hub)
 * @param registrationId the DPS registration id it was provisioned with
 * @param enrollmentKind individual or group
 * @param enrollmentId the registration id (individual) or enrollment group id (group)
 * @param attestation how it authenticates: the enrollment's keys (a group's are derived for the registration
 *        id) or its X.509 trust
 * @param enabled a disabled device is refused at CONNECT
 * @param certificateIssued DPS issued it a certificate: the hub also admits a client certificate from the
 *        simulator's CA whose CN is the registration id, whatever the onboarding attestation
 */
public record HubDevice(String hub, String deviceId, String registrationId, Enrollment.Kind enrollmentKind,
        String enrollmentId, Attestation attestation, boolean enabled, boolean certificateIssued) {

    public HubDevice {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(enrollmentKind, "enrollmentKind");
        Objects.requireNonNull(attestation, "attestation");
    }

    HubDevice withEnabled(boolean newEnabled) {
        return new HubDevice(hub, deviceId, registrationId, enrollmentKind, enrollmentId, attestation, newEnabled,
                certificateIssued);
    }
}
