package io.kuradps.provisioning.protocol;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The {@code issuedCertificateChain} of an assigned result, checked before anything is stored: leaf first, the
 * leaf carries the public key of the csr and the registration id as its CN, every certificate is valid at the
 * given time, and the chain verifies up to the root DPS returned last. Immutable.
 */
public final class IssuedCertificateChain {

    private static final String FIELD = "registrationState issuedCertificateChain";

    private final List<X509Certificate> certificates;

    private IssuedCertificateChain(List<X509Certificate> certificates) {
        this.certificates = Collections.unmodifiableList(certificates);
    }

    /**
     * @param chain          the base64 DER certificates as received, leaf first
     * @param requestedKey   the public key the csr carried
     * @param registrationId the registration id the csr named
     * @param now            the time to judge validity by (the service clock's reading)
     * @throws DpsProtocolException naming the field and the index of the certificate at fault
     */
    public static IssuedCertificateChain validate(List<String> chain, PublicKey requestedKey, String registrationId,
            Instant now) throws DpsProtocolException {
        if (chain.isEmpty()) {
            throw new DpsProtocolException(FIELD + ": missing although a csr was sent; the enrollment may lack an"
                    + " Azure Device Registry credential policy");
        }
        if (chain.size() < 2) {
            throw new DpsProtocolException(FIELD + ": only one certificate; the root it chains to is missing");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            certificates.add(decode(chain.get(i), i));
        }
        X509Certificate leaf = certificates.get(0);
        if (!leaf.getPublicKey().equals(requestedKey)) {
            throw new DpsProtocolException(at(0) + ": its public key is not the one the csr carried");
        }
        String commonName = commonName(leaf);
        if (!registrationId.equals(commonName)) {
            throw new DpsProtocolException(at(0) + ": subject CN " + commonName + " is not the registration id "
                    + registrationId);
        }
        for (int i = 0; i < certificates.size(); i++) {
            checkValidity(certificates.get(i), i, now);
        }
        verifyPath(certificates, now);
        return new IssuedCertificateChain(certificates);
    }

    /** Leaf first, root last. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    public X509Certificate leaf() {
        return certificates.get(0);
    }

    /** The end of the leaf's validity. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** SHA-256 of the leaf's DER encoding, upper-case hex without separators, as Azure shows thumbprints. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded());
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 and a parsed certificate's encoding are always available", e);
        }
    }

    @Override
    public String toString() {
        return "IssuedCertificateChain[" + certificates.size() + " certificates, leaf "
                + leaf().getSubjectX500Principal().getName() + " until " + notAfter() + "]";
    }

    private static X509Certificate decode(String base64, int index) throws DpsProtocolException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException(at(index) + ": not base64", e);
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new DpsProtocolException(at(index) + ": not a DER X.509 certificate", e);
        }
    }

    private static String commonName(X509Certificate certificate) throws DpsProtocolException {
        try {
            String commonName = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    commonName = String.valueOf(rdn.getValue());
                }
            }
            return commonName;
        } catch (InvalidNameException e) {
            throw new DpsProtocolException(at(0) + ": unreadable subject", e);
        }
    }

    private static void checkValidity(X509Certificate certificate, int index, Instant now)
            throws DpsProtocolException {
        try {
            certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new DpsProtocolException(at(index) + ": not valid at " + now + " (valid "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant()
                    + "); check the device clock");
        }
    }

    /** PKIX from the leaf to the last certificate as the trust anchor; revocation is not DPS's to answer here. */
    private static void verifyPath(List<X509Certificate> certificates, Instant now) throws DpsProtocolException {
        int rootIndex = certificates.size() - 1;
        X509Certificate root = certificates.get(rootIndex);
        try {
            root.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new DpsProtocolException(at(rootIndex) + ": the last certificate is not a self-signed root");
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Collections.singleton(new TrustAnchor(root, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(certificates.subList(0, rootIndex)), parameters);
        } catch (CertPathValidatorException e) {
            int index = e.getIndex() < 0 ? 0 : e.getIndex();
            throw new DpsProtocolException(at(index) + ": does not chain to the returned root ("
                    + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new DpsProtocolException(FIELD + ": cannot be verified (" + e.getMessage() + ")", e);
        }
    }

    private static String at(int index) {
        return FIELD + "[" + index + "]";
    }
}
