package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientIdentitiesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = { "RSA", "secp256r1", "secp384r1" })
    void readsPkcs8AndTheTraditionalEncodingOfTheSameKey(String kind) throws Exception {
        PrivateKey key = newKey(kind);
        String traditionalPem = TestCertificates.traditionalPem(key);
        assertThat(traditionalPem).startsWith(kind.equals("RSA") ? "-----BEGIN RSA PRIVATE KEY-----"
                : "-----BEGIN EC PRIVATE KEY-----");
        Path pkcs8 = Files.writeString(dir.resolve("pkcs8.pem"),
                "comment before the block\n" + TestCertificates.pem("PRIVATE KEY", key.getEncoded()));
        Path traditional = Files.writeString(dir.resolve("traditional.pem"), traditionalPem);

        assertThat(ClientIdentities.readPrivateKey(pkcs8)).isEqualTo(key);
        assertThat(ClientIdentities.readPrivateKey(traditional)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = { "secp256r1", "secp384r1" })
    void readsSec1KeysThatNameTheirCurve(String curve) throws Exception {
        // As `openssl ecparam -genkey` writes them: the curve OID in the [0] parameters.
        ECPrivateKey key = (ECPrivateKey) newKey(curve);
        AlgorithmIdentifier algorithm = PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm();
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(key.getParams().getOrder().bitLength(), key.getS(),
                algorithm.getParameters()).getEncoded();
        Path file = Files.writeString(dir.resolve("named.pem"), TestCertificates.pem("EC PRIVATE KEY", sec1));

        // Same scalar on the same curve (the encodings differ: this one carries the curve inside as well).
        ECPrivateKey read = (ECPrivateKey) ClientIdentities.readPrivateKey(file);
        assertThat(read.getS()).isEqualTo(key.getS());
        assertThat(read.getParams().getOrder()).isEqualTo(key.getParams().getOrder());
        assertThat(read.getParams().getGenerator()).isEqualTo(key.getParams().getGenerator());
    }

    @Test
    void encryptedMissingAndMalformedKeysAreNamed() throws Exception {
        Path encrypted = Files.writeString(dir.resolve("encrypted.pem"),
                TestCertificates.pem("ENCRYPTED PRIVATE KEY", new byte[] { 0x30, 0x00 }));
        Path legacyEncrypted = Files.writeString(dir.resolve("legacy.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path certificateOnly = Files.writeString(dir.resolve("cert.pem"),
                TestCertificates.pem("CERTIFICATE", new byte[] { 0x30, 0x00 }));
        Path truncated = Files.writeString(dir.resolve("truncated.pem"),
                TestCertificates.pem("EC PRIVATE KEY", new byte[] { 0x30, 0x10, 0x02, 0x01 }));

        assertThatThrownBy(() -> ClientIdentities.readPrivateKey(encrypted)).hasMessageContaining("is encrypted");
        assertThatThrownBy(() -> ClientIdentities.readPrivateKey(legacyEncrypted)).hasMessageContaining("is encrypted");
        assertThatThrownBy(() -> ClientIdentities.readPrivateKey(certificateOnly))
                .hasMessageContaining("holds no PEM private key");
        assertThatThrownBy(() -> ClientIdentities.readPrivateKey(truncated)).hasMessageContaining("malformed key");
    }

    private static PrivateKey newKey(String kind) throws Exception {
        if (kind.equals("RSA")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(kind));
        return generator.generateKeyPair().getPrivate();
    }
}
