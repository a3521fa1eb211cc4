package io.kuradps.provisioning.component;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.component.ProvisioningConfig.KeyType;

/**
 * What a configuration that requests a certificate with the registration asks for: which KeystoreService creates
 * the key and keeps the certificate, under which alias, with what key, and when to renew. Immutable.
 */
final class CertificateRequest {

    /** The alias suffix a new key pair is created under until its certificate is validated and stored. */
    static final String PENDING_SUFFIX = ".pending";
    /**
     * The KeystoreService where a new key pair waits for its certificate: never the certificate's own, since Kura's
     * SslManagerService presents any key of its keystore, and no SslManagerService refers to this one. Created like
     * the certificate's keystore when Kura has none of that name ({@link FileKeystores}).
     */
    static final String PENDING_KEYSTORE_PID = "KuraDpsPendingKeystore";

    final String keystorePid;
    final String alias;
    final KeyType keyType;
    final Duration renewBefore;

    CertificateRequest(String keystorePid, String alias, KeyType keyType, Duration renewBefore) {
        this.keystorePid = keystorePid;
        this.alias = alias;
        this.keyType = keyType;
        this.renewBefore = renewBefore;
    }

    /** Where a renewal's key pair waits, so the certificate in force stays usable until the new one is stored. */
    String pendingAlias() {
        return alias + PENDING_SUFFIX;
    }

    /**
     * When to register again: {@link #renewBefore} ahead of the expiry, but not before half the time from the
     * assignment to the expiry, so a certificate shorter-lived than {@link #renewBefore} is not renewed in a loop.
     */
    Instant renewalAt(Assignment assignment) {
        Instant notAfter = assignment.certificate().map(IssuedCertificate::notAfter).orElse(assignment.assignedAt());
        Instant ahead = notAfter.minus(renewBefore);
        Instant halfway = assignment.assignedAt()
                .plus(Duration.between(assignment.assignedAt(), notAfter).dividedBy(2));
        return ahead.isAfter(halfway) ? ahead : halfway;
    }

    /** Whether {@code assignment} carries a certificate this request would keep: same keystore and alias. */
    boolean isSatisfiedBy(Assignment assignment) {
        return assignment.certificate()
                .filter(c -> c.keystoreServicePid().equals(keystorePid) && c.alias().equals(alias)).isPresent();
    }

    private List<Object> values() {
        return Arrays.asList(keystorePid, alias, keyType, renewBefore);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CertificateRequest && values().equals(((CertificateRequest) other).values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return "certificate=" + keyType.value() + " in " + keystorePid + "/" + alias + ", renewBefore="
                + renewBefore.toHours() + " h";
    }
}
