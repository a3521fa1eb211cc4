package io.kuradps.runtime.support.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.runtime.support.crypto.DemoCryptoService;

/** createKeyPair and getCSR as Kura 5.0's file keystore does them: a stored key with a self-signed certificate. */
class StandInKeyPairTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    private StandInKeystoreService keystore() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        Path file = this.directory.resolve("device.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            empty.store(out, PASSWORD);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("keystore.path", file.toString());
        properties.put("keystore.password", "changeit");
        properties.put("kura.service.pid", "DeviceKeystore");
        return new StandInKeystoreService(new DemoCryptoService(), properties);
    }

    @Test
    void aNewEcKeyIsStoredWithASelfSignedCertificateForOneYear() throws Exception {
        StandInKeystoreService keystore = keystore();

        keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=gw-1");

        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) keystore.getEntry("device");
        X509Certificate certificate = (X509Certificate) entry.getCertificate();
        assertThat(certificate.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=gw-1"));
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getOrder().bitLength()).isEqualTo(256);
        assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(365), Duration.ofDays(366));
        assertThat(certificate.getNotBefore().toInstant()).isBefore(Instant.now().plusSeconds(1));
        assertThat(entry.getPrivateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(keystore.getAliases()).containsExactly("device");
    }

    @Test
    void theCsrOfAStoredKeyIsPemSignedByItAndNamesThePrincipal() throws Exception {
        StandInKeystoreService keystore = keystore();
        keystore.createKeyPair("device", "RSA", 2048, "SHA256withRSA", "CN=placeholder");

        String pem = keystore.getCSR("device", new X500Principal("CN=gw-1"), "SHA256withRSA");

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n")
                .endsWith("-----END CERTIFICATE REQUEST-----\n");
        String body = pem.replaceAll("-----[A-Z ]+-----", "").trim();
        assertThat(body.split("\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(Base64.getMimeDecoder().decode(body));
        assertThat(csr.getSubject().toString()).isEqualTo("CN=gw-1");
        assertThat(csr.getPublicKey()).isEqualTo(((KeyStore.PrivateKeyEntry) keystore.getEntry("device"))
                .getCertificate().getPublicKey());
        assertThat(((RSAPublicKey) csr.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))).isTrue();
    }

    @Test
    void badRequestsFailAsInKura() throws Exception {
        StandInKeystoreService keystore = keystore();
        X500Principal principal = new X500Principal("CN=gw-1");

        assertThatThrownBy(() -> keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(code(() -> keystore.createKeyPair("device", "DSA-nope", 256, "SHA256withECDSA", "CN=x")))
                .isEqualTo(KuraErrorCode.BAD_REQUEST);
        assertThat(code(() -> keystore.getCSR("absent", principal, "SHA256withECDSA")))
                .isEqualTo(KuraErrorCode.NOT_FOUND);
        keystore.createKeyPair("device", "EC", 256, "SHA256withECDSA", "CN=x");
        keystore.setEntry("ca", new KeyStore.TrustedCertificateEntry(
                ((KeyStore.PrivateKeyEntry) keystore.getEntry("device")).getCertificate()));
        assertThat(code(() -> keystore.getCSR("ca", principal, "SHA256withECDSA")))
                .isEqualTo(KuraErrorCode.BAD_REQUEST);
        // Kura lets BouncyCastle's refusal of an unknown signature name through.
        assertThatThrownBy(() -> keystore.getCSR("device", principal, "NoSuchSignature"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keystore.createKeyPair("other", "EC", 256, "NoSuchSignature", "CN=x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(keystore.getAliases()).containsExactlyInAnyOrder("device", "ca");
        assertThatThrownBy(() -> keystore.getCSR("device", null, "SHA256withECDSA"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static KuraErrorCode code(Call call) {
        try {
            call.run();
        } catch (KuraException e) {
            return e.getCode();
        } catch (Exception e) {
            throw new AssertionError("expected a KuraException, got " + e, e);
        }
        throw new AssertionError("expected a KuraException");
    }
}
