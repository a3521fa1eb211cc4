package io.kuradps.itest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA and server certificates that are wrong on purpose (another host name, expired), for the
 * simulator's {@code serverCertificate(...)}. BouncyCastle reaches the probe by boot delegation, like the simulator.
 */
final class TestServerCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys = newKeys();
    private final X509CertificateHolder ca;

    TestServerCertificates() {
        Instant now = Instant.now();
        ca = sign(new JcaX509v3CertificateBuilder(new X500Name("CN=kura-dps itest CA"), serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=kura-dps itest CA"), caKeys.getPublic()), true, null);
    }

    String caPem() {
        return pem(ca);
    }

    /** A leaf for {@code dnsName} valid over [notBefore, notAfter]; PEM chain (leaf, CA) and PEM key. */
    String[] server(String dnsName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeys();
        X509CertificateHolder leaf = sign(new JcaX509v3CertificateBuilder(ca.getSubject(), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + dnsName), keys.getPublic()), false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        String key = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new String[] { pem(leaf) + pem(ca), key };
    }

    private X509CertificateHolder sign(JcaX509v3CertificateBuilder builder, boolean isCa, GeneralNames names) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static String pem(Object value) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
