package io.kuradps.provisioning.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The X.509 certificate DPS issued with an assignment, as kept in a Kura KeystoreService: which one (SHA-256
 * fingerprint), until when, and where its key entry is. Never the key: that stays in the keystore, and a hub link
 * uses it through the KeystoreService and its alias. Immutable.
 */
public final class IssuedCertificate {

    private final String sha256Fingerprint;
    private final Instant notAfter;
    private final String keystoreServicePid;
    private final String alias;

    /**
     * @param sha256Fingerprint SHA-256 of the leaf's DER encoding, upper-case hex without separators
     * @param notAfter          the end of the leaf's validity
     * @param keystoreServicePid kura.service.pid of the KeystoreService holding the key entry
     * @param alias             the alias of the private key entry (leaf first, then its chain)
     * @throws IllegalArgumentException naming the first missing value
     */
    public IssuedCertificate(String sha256Fingerprint, Instant notAfter, String keystoreServicePid, String alias) {
        this.sha256Fingerprint = Assignment.required(sha256Fingerprint, "sha256Fingerprint");
        if (notAfter == null) {
            throw new IllegalArgumentException("notAfter is required");
        }
        this.notAfter = notAfter;
        this.keystoreServicePid = Assignment.required(keystoreServicePid, "keystoreServicePid");
        this.alias = Assignment.required(alias, "alias");
    }

    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public String keystoreServicePid() {
        return keystoreServicePid;
    }

    public String alias() {
        return alias;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IssuedCertificate)) {
            return false;
        }
        IssuedCertificate that = (IssuedCertificate) o;
        return sha256Fingerprint.equals(that.sha256Fingerprint) && notAfter.equals(that.notAfter)
                && keystoreServicePid.equals(that.keystoreServicePid) && alias.equals(that.alias);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sha256Fingerprint, notAfter, keystoreServicePid, alias);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[sha256=" + sha256Fingerprint + ", notAfter=" + notAfter + ", keystore="
                + keystoreServicePid + ", alias=" + alias + "]";
    }
}
