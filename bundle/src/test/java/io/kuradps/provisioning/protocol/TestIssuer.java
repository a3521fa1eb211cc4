package io.kuradps.provisioning.protocol;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A root and an intermediate CA that issue leaves the way DPS's credential policy does, for tests. */
public final class TestIssuer {

    public static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final KeyPair rootKeys = newKeyPair();
    private final X509Certificate root;
    private final KeyPair intermediateKeys = newKeyPair();
    private final X509Certificate intermediate;

    public TestIssuer() {
        root = ca("CN=test root", rootKeys.getPublic(), "CN=test root", rootKeys.getPrivate());
        intermediate = ca("CN=test issuing CA", intermediateKeys.getPublic(), "CN=test root", rootKeys.getPrivate());
    }

    /** Leaf, intermediate, root as base64 DER, the leaf valid for a week around {@link #NOW}. */
    public List<String> chainFor(PublicKey key, String commonName) {
        return encode(leaf(key, commonName, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6))),
                intermediate, root);
    }

    public X509Certificate leaf(PublicKey key, String commonName, Instant notBefore, Instant notAfter) {
        return sign(new JcaX509v3CertificateBuilder(new X500Name("CN=test issuing CA"), BigInteger.valueOf(3),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), key),
                intermediateKeys.getPrivate());
    }

    public X509Certificate intermediate() {
        return intermediate;
    }

    public X509Certificate root() {
        return root;
    }

    public static List<String> encode(X509Certificate... certificates) {
        List<String> chain = new ArrayList<>();
        try {
            for (X509Certificate certificate : certificates) {
                chain.add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return chain;
    }

    /** A PKCS#10 request as PEM text, as Kura's getCSR returns it. */
    public static String csrPem(KeyPair keys, String commonName) throws Exception {
        byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + commonName), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate ca(String subject, PublicKey key, String issuer, PrivateKey issuerKey) {
        try {
            return sign(new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(subject.hashCode() & 0xffff),
                    Date.from(NOW.minus(Duration.ofDays(365))), Date.from(NOW.plus(Duration.ofDays(3650))),
                    new X500Name(subject), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)), issuerKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, PrivateKey key) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
