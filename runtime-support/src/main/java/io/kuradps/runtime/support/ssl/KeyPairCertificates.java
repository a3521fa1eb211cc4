package io.kuradps.runtime.support.ssl;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Calendar;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What Kura 5.0's FilesystemKeystoreServiceImpl builds with BouncyCastle for a new key pair: the self-signed
 * certificate stored with it (subject = issuer = the attributes, serial = the time in milliseconds, valid one year
 * from now) and a PKCS#10 request as PEM {@code CERTIFICATE REQUEST}. Signed with the JDK's providers.
 */
final class KeyPairCertificates {

    private static final int PEM_LINE = 64;

    private KeyPairCertificates() {
    }

    static X509Certificate selfSigned(KeyPair keyPair, String signatureAlgorithm, String attributes)
            throws GeneralSecurityException, OperatorCreationException {
        long now = System.currentTimeMillis();
        Date start = new Date(now);
        Calendar end = Calendar.getInstance();
        end.setTime(start);
        end.add(Calendar.YEAR, 1);
        X500Name name = new X500Name(attributes);
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(now), start,
                end.getTime(), name, SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded()));
        ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm).build(keyPair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    static String csrPem(KeyPair keyPair, X500Principal principal, String signerAlg)
            throws OperatorCreationException, IOException {
        byte[] der = new JcaPKCS10CertificationRequestBuilder(principal, keyPair.getPublic())
                .build(new JcaContentSignerBuilder(signerAlg).build(keyPair.getPrivate())).getEncoded();
        return "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder(PEM_LINE, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }
}
