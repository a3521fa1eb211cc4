package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * api-version 2025-07-01-preview: a csr in the register request gets an issuedCertificateChain back, for an EC P-384
 * key only, signed with ECDSA P-384 / SHA-384, as DPS's certificate issuance does.
 */
class CertificateSigningRequestTest {

    static final String KEY = RegistrationTest.KEY;
    static final String PREVIEW = "2025-07-01-preview";
    static DpsSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).pollsBeforeAssignment(0)
                .issuedCertificateValidity(Duration.ofDays(7))
                .enrollments(Enrollments.of(
                        Enrollment.individual("dev-csr", Attestation.symmetricKey(KEY)).withCertificateIssuance(true),
                        Enrollment.individual("dev-90-days", Attestation.symmetricKey(KEY))
                                .withCertificateValidityDays(90),
                        Enrollment.individual("dev-no-policy", Attestation.symmetricKey(KEY))))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    /** A CSR signed as Kura's KeystoreService signs it for the key: SHA384withECDSA for P-384. */
    static String csr(String commonName, KeyPair pair) throws Exception {
        String signature = pair.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA"
                : CertificateAuthority.signatureAlgorithm(pair.getPrivate());
        return Base64.getEncoder().encodeToString(new JcaPKCS10CertificationRequestBuilder(
                new X500Principal("CN=" + commonName), pair.getPublic())
                .build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())).getEncoded());
    }

    /** The key DPS's certificate issuance takes: EC P-384. */
    static KeyPair keyPair() throws Exception {
        return ecKeyPair("secp384r1");
    }

    static KeyPair ecKeyPair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    TestDevice.Response register(String apiVersion, String csr) {
        return register("dev-csr", apiVersion, csr);
    }

    TestDevice.Response register(String registrationId, String apiVersion, String csr) {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect(registrationId, simulator.idScope() + "/registrations/" + registrationId
                    + "/api-version=" + apiVersion,
                    TestDevice.sas(simulator.idScope(), registrationId, KEY, TestDevice.nowPlus(600)));
            device.subscribeToResponses();
            device.publish("$dps/registrations/PUT/iotdps-register/?$rid=1",
                    "{\"registrationId\":\"" + registrationId + "\",\"csr\":\"" + csr + "\"}");
            return device.response();
        }
    }

    static List<X509Certificate> chain(TestDevice.Response answer) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode certificate : answer.json().path("registrationState").path("issuedCertificateChain")) {
            chain.add((X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(Base64.getDecoder().decode(certificate.asText()))));
        }
        return chain;
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
        // ECDSA P-384 / SHA-384, as the service's issuing CA
        assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(ca.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(((ECPublicKey) ca.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);

        JsonNode spec = RealPayloadShapeTest.json(RealPayloadShapeTest.vector(
                "restspec_2025-07-01-preview_RegisterDeviceAndIssueCertificate_MaximumSet_Gen.json"));
        assertThat(RealPayloadShapeTest.shape(spec.path("responses").path("200").path("body")))
                .contains("registrationState.issuedCertificateChain:ARRAY");
        assertThat(RealPayloadShapeTest.shape(answer.json())).contains("registrationState.issuedCertificateChain:ARRAY");
    }

    @Test
    void theHubAdmitsTheIssuedCertificateWithoutAPassword() throws Exception {
        KeyPair pair = keyPair();
        TestDevice.Response answer = register(PREVIEW, csr("dev-csr", pair));
        List<X509Certificate> chain = chain(answer);
        assertThat(Duration.between(chain.get(0).getNotBefore().toInstant(), chain.get(0).getNotAfter().toInstant()))
                .isGreaterThan(Duration.ofDays(7)).isLessThan(Duration.ofDays(8));
        String hub = answer.json().path("registrationState").path("assignedHub").asText();
        String deviceId = answer.json().path("registrationState").path("deviceId").asText();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("device", pair.getPrivate(), new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", chain.get(chain.size() - 1));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);

        HubSimulator hubs = simulator.hub();
        try (HubClient client = HubClient.connect("ssl://" + hub + ":8883", deviceId, HubClient.options(
                HubClient.username(hub, deviceId), null, hubs.socketFactory(tls.getSocketFactory())))) {
            client.publish("devices/" + deviceId + "/messages/events/", "issued", 1);
        }
        assertThat(hubs.counters().telemetry(deviceId)).isEqualTo(1);
        assertThat(hubs.counters().events(deviceId)).filteredOn(e -> e.kind() == HubCounters.EventKind.CONNECTED)
                .singleElement().satisfies(e -> assertThat(e.detail()).endsWith(", X.509, certificate issued by DPS"));
    }

    @Test
    void anEnrollmentsPolicyDecidesTheValidity() throws Exception {
        TestDevice.Response answer = register("dev-90-days", PREVIEW, csr("dev-90-days", keyPair()));
        X509Certificate leaf = chain(answer).get(0);
        assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
                .isGreaterThan(Duration.ofDays(90)).isLessThan(Duration.ofDays(91));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, EC P-256", "secp521r1, EC P-521"})
    void aCsrWhoseKeyIsNotP384IsRefusedNamingTheKey(String curve, String named) throws Exception {
        TestDevice.Response answer = register(PREVIEW, csr("dev-csr", ecKeyPair(curve)));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("errorCode").asInt()).isEqualTo(400000);
        assertThat(answer.json().path("message").asText()).isEqualTo("Invalid csr: the CSR's key is " + named
                + "; certificate issuance takes EC P-384 keys only");
    }

    @Test
    void anRsaCsrIsRefusedNamingTheKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        TestDevice.Response answer = register(PREVIEW, csr("dev-csr", generator.generateKeyPair()));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText())
                .isEqualTo("Invalid csr: the CSR's key is RSA 2048; certificate issuance takes EC P-384 keys only");
    }

    @Test
    void anEnrollmentWithoutACredentialPolicyRefusesTheCsr() throws Exception {
        TestDevice.Response answer = register("dev-no-policy", PREVIEW, csr("dev-no-policy", keyPair()));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("errorCode").asInt()).isEqualTo(400000);
        assertThat(answer.json().path("message").asText()).contains("no credential policy");
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

    @Test
    void csrWithABadSignatureIsAnswered400() throws Exception {
        byte[] der = Base64.getDecoder().decode(csr("dev-csr", keyPair()));
        der[der.length - 5] ^= 0x01;
        TestDevice.Response answer = register(PREVIEW, Base64.getEncoder().encodeToString(der));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("errorCode").asInt()).isEqualTo(400000);
        assertThat(answer.json().path("message").asText()).contains("signature is not valid");
    }
}
