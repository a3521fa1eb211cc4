package io.kuradps.simulator;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Checks a device's SAS token or certificate chain against the enrollments, as DPS does. */
final class Authenticator {

    static final int UNAUTHORIZED = 401000;
    static final int INVALID_CERTIFICATE = 401002;
    /** Production DPS rejected chains with intermediates on this api-version; the simulator does the same. */
    private static final String CHAIN_INTOLERANT_API_VERSION = "2019-03-31";

    private final Enrollments enrollments;
    private final String idScope;
    private final Clock clock;
    private final X509Certificate simulatorCa;

    Authenticator(Enrollments enrollments, String idScope, Clock clock, X509Certificate simulatorCa) {
        this.enrollments = enrollments;
        this.idScope = idScope;
        this.clock = clock;
        this.simulatorCa = simulatorCa;
    }

    Authentication authenticate(DeviceCredentials credentials, String password, List<X509Certificate> chain) {
        if (!idScope.equalsIgnoreCase(credentials.idScope())) {
            return Authentication.failure(UNAUTHORIZED, "id scope " + credentials.idScope() + " is not " + idScope);
        }
        if (password != null && !password.isEmpty()) {
            return bySasToken(credentials, password);
        }
        if (!chain.isEmpty()) {
            return byCertificate(credentials, chain);
        }
        return Authentication.failure(UNAUTHORIZED, "neither a SAS token nor a client certificate");
    }

    private Authentication bySasToken(DeviceCredentials credentials, String password) {
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (IllegalArgumentException e) {
            return Authentication.failure(UNAUTHORIZED, e.getMessage());
        }
        String registrationId = credentials.registrationId();
        String expectedResource = credentials.idScope() + "/registrations/" + registrationId;
        if (!expectedResource.equalsIgnoreCase(token.resource())) {
            return Authentication.failure(UNAUTHORIZED, "SAS token sr is not " + expectedResource);
        }
        // The Java SDK sends an empty skn and DPS accepts it; a key name, when given, must be "registration".
        if (token.keyName() != null && !token.keyName().isEmpty() && !token.keyName().equals("registration")) {
            return Authentication.failure(UNAUTHORIZED, "SAS token skn is not 'registration'");
        }
        if (clock.instant().getEpochSecond() >= token.expiryEpochSeconds()) {
            return Authentication.failure(UNAUTHORIZED,
                    "SAS token expired at " + token.expiryEpochSeconds() + " (epoch seconds)");
        }
        var individual = enrollments.individual(registrationId);
        if (individual.isPresent()) {
            Enrollment enrollment = individual.get();
            if (enrollment.attestation().type() != Attestation.Type.SYMMETRIC_KEY) {
                return Authentication.failure(UNAUTHORIZED, "enrollment " + registrationId + " uses X.509");
            }
            return signedByEither(token, enrollment.attestation(), null) ? Authentication.success(enrollment)
                    : Authentication.failure(UNAUTHORIZED, "SAS signature does not match the enrollment's keys");
        }
        for (Enrollment group : enrollments.groups()) {
            if (group.attestation().type() == Attestation.Type.SYMMETRIC_KEY
                    && signedByEither(token, group.attestation(), registrationId)) {
                return Authentication.success(group);
            }
        }
        return Authentication.failure(UNAUTHORIZED,
                "no individual enrollment for " + registrationId + " and no group key signed the token");
    }

    /** True when either key signed the token; a group's keys are first derived for the registration id. */
    static boolean signedByEither(SasToken token, Attestation keys, String derivedFor) {
        for (String key : Arrays.asList(keys.primaryKey(), keys.secondaryKey())) {
            if (key != null) {
                byte[] raw = derivedFor == null ? Base64.getDecoder().decode(key)
                        : SasToken.derivedDeviceKey(key, derivedFor);
                if (token.isSignedBy(raw)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Authentication byCertificate(DeviceCredentials credentials, List<X509Certificate> chain) {
        String registrationId = credentials.registrationId();
        X509Certificate leaf = chain.get(0);
        String commonName = X509Chains.commonName(leaf);
        if (!registrationId.equals(commonName)) {
            return Authentication.failure(INVALID_CERTIFICATE,
                    "certificate CN " + commonName + " is not the registration id " + registrationId);
        }
        var individual = enrollments.individual(registrationId);
        if (individual.isPresent()) {
            Attestation attestation = individual.get().attestation();
            if (attestation.type() != Attestation.Type.X509) {
                return Authentication.failure(UNAUTHORIZED, "enrollment " + registrationId + " uses a symmetric key");
            }
            boolean trusted = attestation.certificatePem() == null
                    ? chainsTo(chain, simulatorCa)
                    : Pem.certificates(attestation.certificatePem()).get(0).equals(leaf);
            return trusted ? Authentication.success(individual.get())
                    : Authentication.failure(INVALID_CERTIFICATE, "certificate is not the enrolled one");
        }
        for (Enrollment group : enrollments.groups()) {
            if (group.attestation().type() != Attestation.Type.X509) {
                continue;
            }
            X509Certificate ca = group.attestation().certificatePem() == null ? simulatorCa
                    : Pem.certificates(group.attestation().certificatePem()).get(0);
            if (chainsTo(chain, ca)) {
                if (X509Chains.withoutAnchor(chain, ca).size() > 1
                        && CHAIN_INTOLERANT_API_VERSION.equals(credentials.apiVersion())) {
                    return Authentication.failure(INVALID_CERTIFICATE, "certificate chains with intermediates need "
                            + "api-version 2021-06-01 or later");
                }
                return Authentication.success(group);
            }
        }
        return Authentication.failure(INVALID_CERTIFICATE,
                "no enrollment for " + registrationId + " trusts the certificate chain");
    }

    private boolean chainsTo(List<X509Certificate> chain, X509Certificate anchor) {
        return X509Chains.chainsTo(chain, anchor, clock.instant());
    }
}
