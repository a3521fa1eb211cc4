package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class IssuedCertificateChainTest {

    static final String REGISTRATION_ID = "gw-01";

    final TestIssuer issuer = new TestIssuer();
    final KeyPair ours = TestIssuer.newKeyPair();

    @Test
    void aChainForOurKeyAndNameIsAcceptedAndDescribed() throws Exception {
        List<String> chain = issuer.chainFor(ours.getPublic(), REGISTRATION_ID);

        IssuedCertificateChain valid = IssuedCertificateChain.validate(chain, ours.getPublic(), REGISTRATION_ID,
                TestIssuer.NOW);

        assertThat(valid.certificates()).hasSize(3);
        assertThat(valid.leaf().getPublicKey()).isEqualTo(ours.getPublic());
        assertThat(valid.notAfter()).isEqualTo(TestIssuer.NOW.plus(Duration.ofDays(6)));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(chain.get(0)));
        assertThat(valid.sha256Fingerprint()).hasSize(64).matches("[0-9A-F]+")
                .isEqualToIgnoringCase(String.format("%064x", new java.math.BigInteger(1, digest)));
        assertThat(valid.toString()).contains("3 certificates", "CN=gw-01");
    }

    @Test
    void theSpecExampleChainIsRefusedNamingTheField() throws Exception {
        JsonNode example = Vectors
                .json("payloads/restspec_2025-07-01-preview_RegisterDeviceAndIssueCertificate_MaximumSet_Gen.json");
        DeviceRegistration state = Bodies.parseOperationStatus(
                example.at("/responses/200/body").toString().getBytes(StandardCharsets.UTF_8))
                .registrationState().get();

        assertThatThrownBy(() -> IssuedCertificateChain.validate(state.issuedCertificateChain(), ours.getPublic(),
                "qmldcza", TestIssuer.NOW)).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("registrationState issuedCertificateChain");
        List<String> specItemWithRoot = Arrays.asList(state.issuedCertificateChain().get(0),
                TestIssuer.encode(issuer.root()).get(0));
        rejects(specItemWithRoot, "issuedCertificateChain[0]: not a DER X.509 certificate");
    }

    @Test
    void aMissingOrShortChainIsRefused() {
        rejects(Collections.emptyList(), "missing although a csr was sent");
        rejects(TestIssuer.encode(issuer.leaf(ours.getPublic(), REGISTRATION_ID, TestIssuer.NOW.minusSeconds(60),
                TestIssuer.NOW.plusSeconds(60))), "root it chains to is missing");
        rejects(Arrays.asList("*not base64*", "AA=="), "issuedCertificateChain[0]: not base64");
    }

    @Test
    void aLeafForAnotherKeyOrNameIsRefused() {
        rejects(issuer.chainFor(TestIssuer.newKeyPair().getPublic(), REGISTRATION_ID),
                "issuedCertificateChain[0]: its public key is not the one the csr carried");
        rejects(issuer.chainFor(ours.getPublic(), "someone-else"),
                "issuedCertificateChain[0]: subject CN someone-else is not the registration id gw-01");
    }

    @Test
    void validityIsJudgedByTheGivenClock() {
        List<String> chain = issuer.chainFor(ours.getPublic(), REGISTRATION_ID);
        assertThatThrownBy(() -> IssuedCertificateChain.validate(chain, ours.getPublic(), REGISTRATION_ID,
                TestIssuer.NOW.plus(Duration.ofDays(7)))).hasMessageContaining("issuedCertificateChain[0]: not valid at")
                .hasMessageContaining("check the device clock");
        assertThatThrownBy(() -> IssuedCertificateChain.validate(chain, ours.getPublic(), REGISTRATION_ID,
                TestIssuer.NOW.minus(Duration.ofDays(2)))).hasMessageContaining("[0]: not valid at");
    }

    @Test
    void aChainThatDoesNotReachTheReturnedRootIsRefused() {
        List<String> chain = issuer.chainFor(ours.getPublic(), REGISTRATION_ID);
        TestIssuer stranger = new TestIssuer();
        rejects(Arrays.asList(chain.get(0), chain.get(1), TestIssuer.encode(stranger.root()).get(0)),
                "does not chain to the returned root");
        rejects(Arrays.asList(chain.get(0), TestIssuer.encode(stranger.intermediate()).get(0)),
                "issuedCertificateChain[1]: the last certificate is not a self-signed root");
        rejects(Arrays.asList(chain.get(0), chain.get(2)), "issuedCertificateChain[0]: does not chain");
    }

    @Test
    void theKuraCsrPemBecomesTheBase64DerTheBodyCarries() throws Exception {
        String pem = TestIssuer.csrPem(ours, REGISTRATION_ID);
        String base64 = CertificateSigningRequests.base64DerFromPem(pem);

        assertThat(base64).doesNotContain("-", "\n", " ");
        assertThat(Base64.getDecoder().decode(base64)).isEqualTo(Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "")));
        RegistrationSettings settings = RegistrationSettingsTest.valid().apiVersion(ApiVersions.V2025_07_01_PREVIEW)
                .certificateSigningRequest(base64).build();
        assertThat(new String(Bodies.registerRequest("gw-01", null, settings.certificateSigningRequest()),
                StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"gw-01\",\"csr\":\"" + base64 + "\"}");
    }

    @Test
    void textThatIsNoPemRequestIsRefusedNamingTheField() {
        for (String bad : Arrays.asList(null, "", "MIIB", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----",
                "-----BEGIN CERTIFICATE REQUEST-----\n\n-----END CERTIFICATE REQUEST-----",
                "-----BEGIN CERTIFICATE REQUEST-----\nA\n-----END CERTIFICATE REQUEST-----")) {
            assertThatThrownBy(() -> CertificateSigningRequests.base64DerFromPem(bad))
                    .isInstanceOf(DpsProtocolException.class).hasMessageStartingWith("certificateSigningRequest: ");
        }
    }

    private void rejects(List<String> chain, String message) {
        assertThatThrownBy(() -> IssuedCertificateChain.validate(chain, ours.getPublic(), REGISTRATION_ID,
                TestIssuer.NOW)).isInstanceOf(DpsProtocolException.class).hasMessageContaining(message)
                .hasMessageStartingWith("registrationState issuedCertificateChain");
    }
}
