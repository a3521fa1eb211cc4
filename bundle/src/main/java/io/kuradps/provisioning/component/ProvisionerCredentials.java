package io.kuradps.provisioning.component;

import java.time.Clock;
import java.util.Optional;

import io.kuradps.provisioning.component.ProvisioningConfig.Attestation;
import io.kuradps.provisioning.component.ProvisioningConfig.EnrollmentKind;
import io.kuradps.provisioning.component.ProvisioningConfig.Registration;
import io.kuradps.provisioning.component.ProvisioningConfig.X509Source;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.protocol.DerivedKeys;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.HubSasTokens;

/**
 * The hub link's view of the provisioner's configuration in force: it signs hub tokens with the individual key, or
 * with the key derived from the group key for the registration id, and names the KeystoreService entry of an X.509
 * enrollment's key; it hands out nothing else.
 */
final class ProvisionerCredentials implements DeviceCredentials {

    private final ProvisioningWorker worker;
    private final Clock clock;

    ProvisionerCredentials(ProvisioningWorker worker, Clock clock) {
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Kind kind() {
        return worker.registration().map(r -> r.identity.attestation == Attestation.X509 ? Kind.X509
                : Kind.SYMMETRIC_KEY).orElse(Kind.NONE);
    }

    @Override
    public Optional<KeystoreKey> enrollmentKey() {
        return worker.registration().map(r -> r.identity)
                .filter(i -> i.attestation == Attestation.X509 && i.x509Source == X509Source.KEYSTORE)
                .map(i -> new KeystoreKey(i.keystorePid, i.keystoreAlias));
    }

    @Override
    public Optional<String> hubToken(String hub, String deviceId, long expiryEpochSeconds) {
        Optional<Registration> registration = worker.registration();
        if (!registration.isPresent() || registration.get().identity.attestation != Attestation.SYMMETRIC_KEY) {
            return Optional.empty();
        }
        RegistrationIdentity identity = registration.get().identity;
        try {
            String deviceKey = identity.enrollmentKind == EnrollmentKind.GROUP
                    ? DerivedKeys.deviceKey(identity.symmetricKey, identity.registrationId)
                    : identity.symmetricKey;
            return Optional.of(HubSasTokens.deviceToken(hub, deviceId, deviceKey, expiryEpochSeconds));
        } catch (DpsProtocolException e) {
            // The configuration was validated with the same decoding; nothing to sign with.
            return Optional.empty();
        }
    }

    @Override
    public boolean reprovisionsOnHubError() {
        return worker.registration().map(r -> r.policy.reprovisionsOnHubError()).orElse(false);
    }

    @Override
    public String toString() {
        return "ProvisionerCredentials[" + kind() + "]";
    }
}
