package io.kuradps.provisioning.hub;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.DeviceCredentials;
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
     * @param assignment        the hub and device, and the certificate DPS issued, if any (the device then
     *                          authenticates by it, whatever it onboarded with)
     * @param settings          the hub link's valid, enabled configuration
     * @param onboarding        how the device onboarded: {@code SYMMETRIC_KEY} (a SAS token, signed later, right
     *                          before the write) or {@code X509}; an issued certificate in the assignment wins
     * @param current           the transport's configuration as Kura's ConfigurationService returns it
     * @param issuedSslManager  the kura.service.pid of an SslManagerService bound over the issued certificate's
     *                          keystore, if there is one (ignored without a certificate)
     * @param rewrite           write every value, also those the configuration holds already: Kura's transport
     *                          builds its MQTT client only when its configuration is written (a transport activated
     *                          before its SslManagerService has none until then)
     */
    static TransportPlan decide(Assignment assignment, HubLinkSettings settings, DeviceCredentials.Kind onboarding,
            Map<String, ?> current, Optional<String> issuedSslManager, boolean rewrite) {
        Optional<IssuedCertificate> certificate = assignment.certificate();
        // The certificate DPS issued decides, whatever the device onboarded with.
        boolean byToken = !certificate.isPresent() && onboarding == DeviceCredentials.Kind.SYMMETRIC_KEY;
        TlsPlan tls = certificate.isPresent()
                ? TlsPlan.issued(certificate.get(), issuedSslManager, settings.addAzureRoots)
                : byToken
                        ? TlsPlan.sasToken(KuraReferences.sslManagerTarget(current), settings.addAzureRoots)
                        : TlsPlan.enrollment(KuraReferences.sslManagerTarget(current), settings.addAzureRoots);
        TransportProperties expected = TransportProperties.of(assignment.assignedHub(), assignment.deviceId(),
                settings.transport, settings.modelId);
        if (certificate.isPresent()) {
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
