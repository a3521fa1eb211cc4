package io.kuradps.simulator;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The simulator's certificate authority: a throwaway one generated at start, or one loaded from PEM files.
 * It signs the TLS server certificates, the device certificates tests ask for and the certificates DPS issues for
 * CSRs. A generated CA has an EC P-384 key and signs with ECDSA P-384 / SHA-384, as the CA behind DPS's certificate
 * issuance does (its keys are in Azure Managed HSM); the server and test device certificates it issues keep EC P-256
 * keys, which keep TLS handshakes cheap when thousands of devices connect.
 */
final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration VALIDITY = Duration.ofDays(365);
    /** The curve of a generated CA's key, as DPS's issuing CA. */
    private static final String CA_CURVE = "secp384r1";
    /** The curve of the server and test device certificates' keys. */
    private static final String LEAF_CURVE = "secp256r1";
    /** The only CSR key DPS's certificate issuance (preview) takes: EC on NIST P-384. */
    private static final ASN1ObjectIdentifier ISSUED_KEY_CURVE = SECObjectIdentifiers.secp384r1;

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    static CertificateAuthority generate(Clock clock) {
        KeyPair pair = newKeyPair(CA_CURVE);
        X500Name name = name("kura-dps simulator CA " + Long.toHexString(RANDOM.nextLong()));
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(clock),
                    notAfter(clock), name, pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot generate the simulator CA", e);
        }
    }

    /** An intermediate CA signed by this one (for tests of chains with intermediates). */
    CertificateAuthority issueIntermediate(String commonName) {
        KeyPair pair = newKeyPair(LEAF_CURVE);
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), notBefore(clock),
                    notAfter(clock), name(commonName), pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new CertificateAuthority(sign(builder, key), pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue an intermediate CA", e);
        }
    }

    static CertificateAuthority load(String certificatePem, String privateKeyPem, Clock clock) {
        return new CertificateAuthority(Pem.certificates(certificatePem).get(0), Pem.privateKey(privateKeyPem),
                clock);
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The CA's private key (it signs device and server certificates). */
    PrivateKey privateKey() {
        return key;
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1 plus any extra host. */
    IssuedCertificate issueServerCertificate(String host) {
        try {
            GeneralNames names = new GeneralNames(hostNames(host).toArray(GeneralName[]::new));
            return issue(name("localhost"), KeyPurposeId.id_kp_serverAuth, names);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' cannot go into the server certificate", e);
        }
    }

    /** A server certificate naming one IoT hub host name, as the hub presents to clients that ask for it (SNI). */
    IssuedCertificate issueHubCertificate(String hubName) {
        return issue(name(hubName), KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(new GeneralName(GeneralName.dNSName, hubName)));
    }

    /** A device certificate whose subject CN is the registration id, as DPS requires. */
    IssuedCertificate issueDeviceCertificate(String registrationId) {
        return issue(name(registrationId), KeyPurposeId.id_kp_clientAuth, null);
    }

    private static List<GeneralName> hostNames(String host) throws UnknownHostException {
        List<GeneralName> names = new java.util.ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        if (host != null && !host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("0.0.0.0")) {
            boolean literal = host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
            names.add(literal ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, host));
        }
        return names;
    }

    private IssuedCertificate issue(X500Name subject, KeyPurposeId purpose, GeneralNames alternativeNames) {
        KeyPair pair = newKeyPair(LEAF_CURVE);
        return new IssuedCertificate(certify(subject, pair.getPublic(), purpose, alternativeNames), pair.getPrivate(),
                certificate);
    }

    /**
     * A device certificate for the key in a PKCS#10 request (DPS preview api-version's {@code csr}).
     *
     * @param validity how long the issued certificate lasts (DPS's credential policies issue for 1 to 90 days)
     * @throws IllegalArgumentException when the request is not DER PKCS#10, its key is not EC P-384, its signature
     *         is wrong or its subject CN is not the registration id
     */
    X509Certificate issueFromCertificateRequest(byte[] der, String registrationId, Duration validity) {
        try {
            JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(der);
            String key = keyDescription(request.getSubjectPublicKeyInfo());
            if (!key.equals(describeCurve(ISSUED_KEY_CURVE))) {
                throw new IllegalArgumentException("the CSR's key is " + key
                        + "; certificate issuance takes EC P-384 keys only");
            }
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getPublicKey()))) {
                throw new IllegalArgumentException("csr signature is not valid");
            }
            RDN[] commonNames = request.getSubject().getRDNs(BCStyle.CN);
            String commonName = commonNames.length == 1
                    ? IETFUtils.valueToString(commonNames[0].getFirst().getValue()) : null;
            if (!registrationId.equals(commonName)) {
                throw new IllegalArgumentException("csr subject CN " + commonName + " is not the registration id");
            }
            return certify(name(registrationId), request.getPublicKey(), KeyPurposeId.id_kp_clientAuth, null, validity);
        } catch (IOException | RuntimeException | GeneralSecurityException | OperatorCreationException
                | PKCSException e) {
            if (e instanceof IllegalArgumentException illegal) {
                throw illegal;
            }
            throw new IllegalArgumentException("csr is not a valid PKCS#10 request", e);
        }
    }

    /** What a refusal names: "EC P-256", "EC P-384", "EC secp256k1", "RSA 2048", or the algorithm's OID. */
    static String keyDescription(SubjectPublicKeyInfo key) throws IOException {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1Encodable parameters = key.getAlgorithm().getParameters();
            return parameters instanceof ASN1ObjectIdentifier curve ? describeCurve(curve)
                    : "EC on explicit curve parameters";
        }
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA " + RSAPublicKey.getInstance(key.parsePublicKey()).getModulus().bitLength();
        }
        return "of algorithm " + algorithm.getId();
    }

    private static String describeCurve(ASN1ObjectIdentifier curve) {
        String nist = NISTNamedCurves.getName(curve);
        String name = nist != null ? nist : ECNamedCurveTable.getName(curve);
        return "EC " + (name != null ? name : curve.getId());
    }

    private X509Certificate certify(X500Name subject, PublicKey publicKey, KeyPurposeId purpose,
            GeneralNames alternativeNames) {
        return certify(subject, publicKey, purpose, alternativeNames, VALIDITY);
    }

    private X509Certificate certify(X500Name subject, PublicKey publicKey, KeyPurposeId purpose,
            GeneralNames alternativeNames, Duration validity) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), notBefore(clock),
                    notAfter(clock, validity), subject, publicKey);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(certificate));
            if (alternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
            }
            return sign(builder, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    /*
     * Certificates are checked by the simulator on its (possibly simulated) clock and by TLS clients on the real
     * one, so they are valid around both.
     */
    private static Date notBefore(Clock clock) {
        Instant simulated = clock.instant();
        Instant real = Instant.now();
        return Date.from((simulated.isBefore(real) ? simulated : real).minus(BACKDATE));
    }

    private static Date notAfter(Clock clock) {
        return notAfter(clock, VALIDITY);
    }

    private static Date notAfter(Clock clock, Duration validity) {
        Instant simulated = clock.instant();
        Instant real = Instant.now();
        return Date.from((simulated.isAfter(real) ? simulated : real).plus(validity));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signer)).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** The signature a CA key makes: ECDSA with the hash of its curve's strength (P-384: SHA-384), or RSA. */
    static String signatureAlgorithm(PrivateKey signer) {
        if (signer instanceof ECPrivateKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return "SHA256with" + signer.getAlgorithm();
    }

    private static KeyPair newKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC " + curve + " key generator in this JDK", e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    /** A certificate, its key and the CA that signed it. */
    record IssuedCertificate(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
        @Override
        public String toString() {
            return "IssuedCertificate[" + certificate.getSubjectX500Principal() + "]";
        }
    }
}
