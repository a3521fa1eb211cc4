package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** api-version 2025-07-01-preview: a csr in the register request gets an issuedCertificateChain back. */
class CertificateSigningRequestTest {

    static final String KEY = RegistrationTest.KEY;
    static final String PREVIEW = "2025-07-01-preview";
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).pollsBeforeAssignment(0)
                .enrollments(Enrollments.of(Enrollment.individual("dev-csr", Attestation.symmetricKey(KEY))))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static String csr(String commonName, KeyPair pair) throws Exception {
        return Base64.getEncoder().encodeToString(new JcaPKCS10CertificationRequestBuilder(
                new X500Principal("CN=" + commonName), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded());
    }

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    TestDevice.Response register(String apiVersion, String csr) {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("dev-csr", simulator.idScope() + "/registrations/dev-csr/api-version=" + apiVersion,
                    TestDevice.sas(simulator.idScope(), "dev-csr", KEY, TestDevice.nowPlus(600)));
            device.subscribeToResponses();
            device.publish("$dps/registrations/PUT/iotdps-register/?$rid=1",
                    "{\"registrationId\":\"dev-csr\",\"csr\":\"" + csr + "\"}");
            return device.response();
        }
    }

    @Test
    void csrIsAnsweredWithTheIssuedChainLeafFirst() throws Exception {
        KeyPair pair = keyPair();
        TestDevice.Response answer = register(PREVIEW, csr("dev-csr", pair));
        assertThat(answer.status()).isEqualTo(200);
        JsonNode chain = answer.json().path("registrationState").path("issuedCertificateChain");
        assertThat(chain.isArray()).isTrue();
        assertThat(chain).hasSize(2);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate leaf = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(chain.get(0).asText())));
        X509Certificate ca = (X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(chain.get(1).asText())));
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=dev-csr");
        assertThat(leaf.getPublicKey()).isEqualTo(pair.getPublic());
        leaf.verify(ca.getPublicKey());
        assertThat(ca).isEqualTo(Pem.certificates(simulator.caCertificatePem()).get(0));

        JsonNode spec = RealPayloadShapeTest.json(RealPayloadShapeTest.vector(
                "restspec_2025-07-01-preview_RegisterDeviceAndIssueCertificate_MaximumSet_Gen.json"));
        assertThat(RealPayloadShapeTest.shape(spec.path("responses").path("200").path("body")))
                .contains("registrationState.issuedCertificateChain:ARRAY");
        assertThat(RealPayloadShapeTest.shape(answer.json())).contains("registrationState.issuedCertificateChain:ARRAY");
    }

    @Test
    void csrNeedsThePreviewApiVersion() throws Exception {
        TestDevice.Response answer = register("2021-10-01", csr("dev-csr", keyPair()));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText()).contains(PREVIEW);
    }

    @Test
    void csrForAnotherNameOrGarbageIsAnswered400() throws Exception {
        assertThat(register(PREVIEW, csr("someone-else", keyPair())).json().path("message").asText())
                .contains("CN someone-else");
        assertThat(register(PREVIEW, "bm90IGEgY3Ny").status()).isEqualTo(400);
    }
}
