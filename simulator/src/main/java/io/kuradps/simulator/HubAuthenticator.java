package io.kuradps.simulator;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Checks a device's CONNECT credentials against its identity in the hub's registry, as IoT Hub does: a device
 * SAS token for {@code {hub}/devices/{deviceId}} signed with the device's key (the individual enrollment's key,
 * or the group key derived for the registration id), or the TLS client certificate its enrollment trusts.
 */
final class HubAuthenticator {

    private final Clock clock;
    private final X509Certificate simulatorCa;

    HubAuthenticator(Clock clock, X509Certificate simulatorCa) {
        this.clock = clock;
        this.simulatorCa = simulatorCa;
    }

    /**
     * The outcome of a check.
     *
     * @param refusal why the device is refused (never holds a secret), null when it is admitted
     * @param tokenExpiry when the admitting SAS token expires; null for a certificate or a refusal
     * @param method how the device authenticated, for the hub's counters (never a secret); null for a refusal
     */
    record Admission(String refusal, Instant tokenExpiry, String method) {
        /** Told apart in the CONNECTED event's detail, so tests see which credential the hub took. */
        static final String ENROLLED_CERTIFICATE = "X.509, enrolled certificate";
        static final String ISSUED_CERTIFICATE = "X.509, certificate issued by DPS";

        static Admission refused(String reason) {
            return new Admission(reason, null, null);
        }

        static Admission byCertificate(String method) {
            return new Admission(null, null, method);
        }

        boolean admitted() {
            return refusal == null;
        }
    }

    Admission admit(HubDevice device, String password, List<X509Certificate> chain) {
        if (device.certificateIssued() && chain != null && !chain.isEmpty()) {
            return byIssuedCertificate(device, chain);
        }
        return device.attestation().type() == Attestation.Type.X509 ? byCertificate(device, chain)
                : bySasToken(device, password);
    }

    private Admission bySasToken(HubDevice device, String password) {
        if (password == null || password.isEmpty()) {
            return Admission.refused("no SAS token in the password (device " + device.deviceId()
                    + " authenticates with a symmetric key)");
        }
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (IllegalArgumentException e) {
            return Admission.refused(e.getMessage());
        }
        if (!namesDevice(token.resource(), device)) {
            return Admission.refused("SAS token sr is not " + device.hub() + "/devices/" + device.deviceId());
        }
        // A key name makes it a shared access policy token; a device's own key has none.
        if (token.keyName() != null) {
            return Admission.refused("SAS token has skn, which device tokens do not have");
        }
        Instant expiry = Instant.ofEpochSecond(token.expiryEpochSeconds());
        if (!clock.instant().isBefore(expiry)) {
            return Admission.refused("SAS token expired at " + token.expiryEpochSeconds() + " (epoch seconds)");
        }
        String derivedFor = device.enrollmentKind() == Enrollment.Kind.GROUP ? device.registrationId() : null;
        if (!Authenticator.signedByEither(token, device.attestation(), derivedFor)) {
            return Admission.refused("SAS signature does not match the device's "
                    + (derivedFor == null ? "keys" : "keys derived from enrollment group " + device.enrollmentId()));
        }
        return new Admission(null, expiry, "SAS token until " + expiry);
    }

    /** A certificate DPS issued: from the simulator's CA, for the registration id, valid now. */
    private Admission byIssuedCertificate(HubDevice device, List<X509Certificate> chain) {
        String commonName = X509Chains.commonName(chain.get(0));
        if (!device.registrationId().equals(commonName)) {
            return Admission.refused("client certificate CN " + commonName + " is not " + device.registrationId());
        }
        return X509Chains.chainsTo(chain, simulatorCa, clock.instant())
                ? Admission.byCertificate(Admission.ISSUED_CERTIFICATE)
                : Admission.refused("client certificate was not issued by this DPS for " + device.deviceId());
    }

    /** The hub's host name is case-insensitive; the device id is not. */
    private static boolean namesDevice(String resource, HubDevice device) {
        String devicePath = "/devices/" + device.deviceId();
        return resource.endsWith(devicePath)
                && resource.substring(0, resource.length() - devicePath.length()).equalsIgnoreCase(device.hub());
    }

    /**
     * An enrollment pinning a certificate admits exactly that one (IoT Hub's thumbprint authentication); one
     * trusting a CA admits a chain to it whose leaf names the registration id (IoT Hub's CA authentication, where
     * CN = device id, which group enrollments give their devices).
     */
    private Admission byCertificate(HubDevice device, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Admission.refused("no client certificate (device " + device.deviceId()
                    + " authenticates with X.509)");
        }
        X509Certificate leaf = chain.get(0);
        String pinned = device.attestation().certificatePem();
        if (device.enrollmentKind() == Enrollment.Kind.INDIVIDUAL && pinned != null) {
            return Pem.certificates(pinned).get(0).equals(leaf)
                    ? Admission.byCertificate(Admission.ENROLLED_CERTIFICATE)
                    : Admission.refused("client certificate is not the one enrolled for " + device.deviceId());
        }
        String commonName = X509Chains.commonName(leaf);
        if (!device.registrationId().equals(commonName)) {
            return Admission.refused("client certificate CN " + commonName + " is not " + device.registrationId());
        }
        X509Certificate ca = pinned == null ? simulatorCa : Pem.certificates(pinned).get(0);
        return X509Chains.chainsTo(chain, ca, clock.instant()) ? Admission.byCertificate(Admission.ENROLLED_CERTIFICATE)
                : Admission.refused("client certificate does not chain to the CA enrolled for " + device.deviceId());
    }
}
