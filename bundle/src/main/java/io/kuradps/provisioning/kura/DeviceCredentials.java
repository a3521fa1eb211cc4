package io.kuradps.provisioning.kura;

import java.time.Clock;
import java.util.Optional;

/**
 * What the hub link needs from the provisioner's configuration, without the device key leaving it: a signed hub
 * token, or where an X.509 enrollment's key is kept. The provisioner registers this as an OSGi service of this bundle; the package is not exported, so no other
 * bundle can wire to it, and the registration carries no secret (the key stays inside the implementation).
 */
public interface DeviceCredentials {

    /** How the device proves itself to the hub. */
    enum Kind {
        /** A SAS token signed with the individual key or the key derived from the group key. */
        SYMMETRIC_KEY,
        /** The device certificate of the X.509 enrollment, presented in the TLS handshake. */
        X509,
        /** Provisioning is disabled or not validly configured. */
        NONE
    }

    Kind kind();

    /**
     * The key of an X.509 enrollment when a Kura KeystoreService holds it ({@code x509.keystore.service.pid} and
     * {@code x509.keystore.alias}); empty for a key from a file, and for any other kind.
     */
    Optional<KeystoreKey> enrollmentKey();

    /**
     * A device SAS token for {@code {hub}/devices/{deviceId}} expiring at {@code expiryEpochSeconds}, signed with
     * the configured key; empty unless {@link #kind()} is {@link Kind#SYMMETRIC_KEY} and the key is usable.
     */
    Optional<String> hubToken(String hub, String deviceId, long expiryEpochSeconds);

    /**
     * The time tokens are judged by: the device clock corrected by the offset DPS's answers showed (the
     * provisioner's ServiceClock), so a hub token signed before NTP ran is not already expired.
     */
    Clock clock();

    /** Whether the re-provisioning policy wants the hub link to ask DPS again when the hub refuses the device. */
    boolean reprovisionsOnHubError();
}
