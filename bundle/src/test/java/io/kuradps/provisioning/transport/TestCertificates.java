package io.kuradps.provisioning.transport;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA and a server certificate: for a name other than localhost, to prove hostname verification, or
 * outside its validity, to stand for a device clock that is wrong; and self-signed key entries for key manager tests.
 */
public final class TestCertificates {

    final X509Certificate ca;
    final X509Certificate server;
    final String serverChainPem;
    final String serverKeyPem;

    TestCertificates(String serverDnsName) throws Exception {
        this(serverDnsName, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
    }

    /** The CA is valid around now; the server certificate over [notBefore, notAfter]. */
    TestCertificates(String serverDnsName, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair caKeys = newKeyPair();
        X500Name caName = new X500Name("CN=kura-dps test CA");
        ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from(), to(), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), caKeys.getPrivate());
        KeyPair serverKeys = newKeyPair();
        server = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + serverDnsName), serverKeys.getPublic())
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, serverDnsName))), caKeys.getPrivate());
        serverChainPem = pem("CERTIFICATE", server.getEncoded()) + pem("CERTIFICATE", ca.getEncoded());
        serverKeyPem = pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded());
    }

    /** A fresh EC P-256 key with a self-signed certificate for {@code commonName}. */
    public static KeyStore.PrivateKeyEntry selfSignedKeyEntry(String commonName) throws Exception {
        KeyPair keys = newKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        X509Certificate certificate = sign(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from(), to(), name,
                keys.getPublic()), keys.getPrivate());
        return new KeyStore.PrivateKeyEntry(keys.getPrivate(), new X509Certificate[] { certificate });
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    /** The key as OpenSSL writes it traditionally: PKCS#1 for RSA, SEC1 with the curve named for EC. */
    static String traditionalPem(PrivateKey key) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key);
        }
        return text.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair newKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date to() {
        return Date.from(Instant.now().plus(Duration.ofDays(1)));
    }
}
