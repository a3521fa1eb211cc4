package io.kuradps.provisioning.hub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * What the hub link writes to its transport, decided from its inputs alone: the values that differ from the
 * transport's configuration, what happens to the password, whether the write is worth a snapshot, and what the TLS
 * side needs first. A pure function ({@link #decide}) with no Kura, clock or secret store behind it, tested with
 * vectors; {@link HubLink} carries it out, signing the token only right before the write. Immutable; it holds no
 * token.
 */
final class TransportPlan {

    private final TransportProperties expected;
    private final Map<String, Object> changed;
    private final PasswordChange password;
    private final boolean snapshot;
    private final TlsPlan tls;

    private TransportPlan(TransportProperties expected, Map<String, Object> changed, PasswordChange password,
            boolean snapshot, TlsPlan tls) {
        this.expected = expected;
        this.changed = Collections.unmodifiableMap(changed);
        this.password = password;
        this.snapshot = snapshot;
        this.tls = tls;
    }

    /**
     * @param assignment     the hub and device, and the certificate DPS issued, if any (the device then
     *                       authenticates by it, whatever it onboarded with)
     * @param settings       the hub link's valid, enabled configuration
     * @param onboarding     how the device onboarded: {@code SYMMETRIC_KEY} (a SAS token, signed later, right
     *                       before the write) or {@code X509}; an issued certificate in the assignment wins
     * @param enrollmentKey  where a KeystoreService holds the X.509 enrollment's key, if it does
     * @param current        the transport's configuration as Kura's ConfigurationService returns it
     * @param kura           what Kura's SslManagerServices hold, read for {@link #keyToPresent} of the same inputs
     *                       and the SslManagerService {@code current} names
     * @param rewrite        write every value, also those the configuration holds already: Kura's transport
     *                       builds its MQTT client only when its configuration is written (a transport activated
     *                       before its SslManagerService has none until then)
     */
    static TransportPlan decide(Assignment assignment, HubLinkSettings settings, DeviceCredentials.Kind onboarding,
            Optional<KeystoreKey> enrollmentKey, Map<String, ?> current, SslManagersSeen kura, boolean rewrite) {
        Optional<IssuedCertificate> certificate = assignment.certificate();
        // The certificate DPS issued decides, whatever the device onboarded with.
        boolean byToken = !certificate.isPresent() && onboarding == DeviceCredentials.Kind.SYMMETRIC_KEY;
        Optional<KeystoreKey> key = keyToPresent(assignment, onboarding, enrollmentKey);
        TlsPlan tls = key.isPresent()
                ? TlsPlan.keystoreKey(key.get(), certificate.isPresent() ? TlsPlan.KeyOrigin.ISSUED_CERTIFICATE
                        : TlsPlan.KeyOrigin.X509_ENROLLMENT, kura, settings.addAzureRoots)
                : byToken
                        ? TlsPlan.sasToken(KuraReferences.sslManagerTarget(current), settings.addAzureRoots)
                        : TlsPlan.enrollment(KuraReferences.sslManagerTarget(current), settings.addAzureRoots);
        TransportProperties expected = TransportProperties.of(assignment.assignedHub(), assignment.deviceId(),
                settings.transport, settings.modelId);
        if (key.isPresent()) {
            expected = expected.withSslManagerTarget(tls.sslManagerTarget());
        }
        Map<String, Object> changed = expected.changedFrom(current);
        // Username and URL name hub and device, the SslManagerService the identity the device presents: a change
        // there is worth a snapshot; a token is not, nor a value written again unchanged.
        boolean snapshot = changed.containsKey(TransportProperties.USERNAME)
                || changed.containsKey(TransportProperties.BROKER_URL)
                || changed.containsKey(KuraReferences.SSL_MANAGER_TARGET);
        return new TransportPlan(expected, rewrite ? new LinkedHashMap<>(expected.values()) : changed,
                password(byToken, current), snapshot, tls);
    }

    /**
     * The key Kura must present for the device, when a KeystoreService holds it: the issued certificate's, else, for
     * an X.509 enrollment, the enrollment's. Empty for a SAS token and for an enrollment's key from a file.
     */
    static Optional<KeystoreKey> keyToPresent(Assignment assignment, DeviceCredentials.Kind onboarding,
            Optional<KeystoreKey> enrollmentKey) {
        if (assignment.certificate().isPresent()) {
            IssuedCertificate certificate = assignment.certificate().get();
            return Optional.of(new KeystoreKey(certificate.keystoreServicePid(), certificate.alias()));
        }
        return onboarding == DeviceCredentials.Kind.X509 ? enrollmentKey : Optional.empty();
    }

    /** A fresh token every time; X.509 sends none, so a token left by an earlier connection or a snapshot goes. */
    private static PasswordChange password(boolean byToken, Map<String, ?> current) {
        if (byToken) {
            return PasswordChange.token();
        }
        Object password = current.get(TransportProperties.PASSWORD);
        return password != null && !String.valueOf(password).isEmpty() ? PasswordChange.clear()
                : PasswordChange.keep();
    }

    /** Every value the transport must show once written (the read-back's check), password excluded. */
    TransportProperties expected() {
        return expected;
    }

    /** The values to write: those that differ from the transport's configuration; all of them for a rewrite. */
    Map<String, Object> changed() {
        return changed;
    }

    /** What happens to the password; a token to set is signed right before the write ({@link PasswordChange}). */
    PasswordChange password() {
        return password;
    }

    /** Whether the write changes anything: a value, or the password. */
    boolean writes() {
        return !changed.isEmpty() || password != PasswordChange.keep();
    }

    /** Whether the write is worth a Kura snapshot: a new hub, device or identity, not a renewal. */
    boolean snapshot() {
        return snapshot;
    }

    TlsPlan tls() {
        return tls;
    }

    @Override
    public String toString() {
        return "TransportPlan[" + changed.keySet() + " changed, password " + password + (snapshot ? ", snapshot" : "")
                + ", " + tls + "]";
    }
}
