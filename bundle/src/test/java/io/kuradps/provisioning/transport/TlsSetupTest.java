package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSetupTest {

    @Test
    void bundledRootsAreTheThreeDpsRootsWithTheirPublishedFingerprints() throws Exception {
        List<X509Certificate> roots = TrustAnchors.bundledRoots();

        assertThat(roots).extracting(TlsSetupTest::sha256).containsExactly(
                "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f",
                "16af57a9f676b0ab126095aa5ebadef22ab31119d644ac95cd4b93dbf3f26aeb",
                "c741f70f4b2a8d88bf2e71c14122ef53ef10eba0cfa5e64cfa20f418853073e0");
        assertThat(roots).extracting(c -> c.getSubjectX500Principal().getName()).containsExactly(
                "CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US",
                "CN=Baltimore CyberTrust Root,OU=CyberTrust,O=Baltimore,C=IE",
                "CN=Microsoft RSA Root Certificate Authority 2017,O=Microsoft Corporation,C=US");
    }

    @Test
    void socketsOfferOnlyTls12AndLater() throws Exception {
        try (SSLSocket socket = (SSLSocket) TlsSocketFactories.create(TrustAnchors.bundledRoots(), null)
                .createSocket()) {
            assertThat(socket.getEnabledProtocols()).isNotEmpty()
                    .allMatch(protocol -> protocol.equals("TLSv1.2") || protocol.equals("TLSv1.3"));
        }
    }

    @Test
    void extraCaFileMustHoldCertificates(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no certificate here\n");

        assertThatThrownBy(() -> TrustAnchors.readCertificates(empty)).hasMessageContaining("no readable certificate in " + empty);
        assertThatThrownBy(() -> TlsSocketFactories.create(List.of(), null)).hasMessageContaining("no trusted");
    }

    private static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
