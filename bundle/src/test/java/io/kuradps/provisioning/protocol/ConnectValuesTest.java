package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class ConnectValuesTest {

    private static final JsonNode CRYPTO = Vectors.json("crypto_vectors.json");
    private static final JsonNode CSDK = Vectors.json("csdk_connect_topics_body.json");

    @Test
    void derivedGroupKeyMatchesTheDocsVector() throws Exception {
        JsonNode vector = CRYPTO.get("group_key_derivation");
        assertThat(DerivedKeys.deviceKey(vector.get("group_key").asText(), vector.get("registration_id").asText()))
                .isEqualTo(vector.get("expected_device_key").asText());
    }

    @Test
    void hmacMatchesThePythonSdkVector() {
        JsonNode vector = CRYPTO.get("hmac_sha256_b64");
        byte[] key = Base64.getDecoder().decode(vector.get("key_b64").asText());
        assertThat(HmacSha256.signBase64(key, vector.get("data").asText()))
                .isEqualTo(vector.get("expected_sig_b64").asText());
    }

    @Test
    void ourSasTokenEqualsTheUppercaseVectorByteForByte() throws Exception {
        JsonNode uppercase = sasCase("uppercase");
        String token = SasTokens.create(uppercase.get("id_scope").asText(), uppercase.get("registration_id").asText(),
                uppercase.get("device_key").asText(), uppercase.get("expiry").asLong());
        assertThat(token).isEqualTo(uppercase.get("password").asText());
        assertThat(SasTokens.encodedResourceUri(uppercase.get("id_scope").asText(),
                uppercase.get("registration_id").asText())).isEqualTo(uppercase.get("sr").asText());
    }

    @Test
    void signatureOverEachSdksSrEncodingMatchesItsVector() {
        for (String variant : new String[] {"lowercase", "uppercase", "unencoded"}) {
            JsonNode vector = sasCase(variant);
            byte[] key = Base64.getDecoder().decode(vector.get("device_key").asText());
            String sr = vector.get("sr").asText();
            long expiry = vector.get("expiry").asLong();
            assertThat(sr + "\n" + expiry).isEqualTo(vector.get("string_to_sign").asText());
            assertThat(SasTokens.signature(sr, key, expiry)).as(variant)
                    .isEqualTo(vector.get("signature_b64").asText());
            assertThat(SasTokens.token(sr, key, expiry)).as(variant).isEqualTo(vector.get("password").asText());
        }
    }

    @Test
    void groupKeyCredentialsSignWithTheDerivedKey() throws Exception {
        JsonNode derivation = CRYPTO.get("group_key_derivation");
        JsonNode uppercase = sasCase("uppercase");
        RegistrationSettings settings = RegistrationSettings.builder().idScope(uppercase.get("id_scope").asText())
                .registrationId(derivation.get("registration_id").asText())
                .credentials(Credentials.groupKey(derivation.get("group_key").asText()))
                .sasLifetime(Duration.ofSeconds(3600)).build();
        ConnectRequest request = ConnectRequest.create(settings,
                Instant.ofEpochSecond(uppercase.get("expiry").asLong() - 3600));
        assertThat(new String(request.password())).isEqualTo(uppercase.get("password").asText());
        assertThat(request.sasExpiry()).isEqualTo(Instant.ofEpochSecond(uppercase.get("expiry").asLong()));
    }

    @Test
    void sasLayoutFollowsTheCSdkVectorApartFromSrCase() {
        JsonNode sas = Vectors.json("csdk_sas.json");
        String idScope = sas.at("/inputs/id_scope").asText();
        String registrationId = sas.at("/inputs/registration_id").asText();
        long expiry = sas.at("/inputs/expiry").asLong();
        String sr = SasTokens.encodedResourceUri(idScope, registrationId);
        // The C SDK writes %2f; DPS accepts both, this project sends %2F.
        assertThat(sr + "\n" + expiry)
                .isEqualTo(sas.at("/expected/string_to_sign").asText().replace("%2f", "%2F"));
        String token = SasTokens.token(sr, new byte[32], expiry);
        String expectedPrefix = sas.at("/expected/password_no_keyname").asText().replace("%2f", "%2F");
        assertThat(token).startsWith(expectedPrefix.substring(0, expectedPrefix.indexOf("&sig=") + 5))
                .contains("&se=" + expiry).endsWith("&skn=registration");
    }

    @Test
    void clientIdAndUsernameMatchTheCSdk() throws Exception {
        String idScope = CSDK.at("/inputs/id_scope").asText();
        String registrationId = CSDK.at("/inputs/registration_id").asText();
        assertThat(ConnectRequest.username(idScope, registrationId, ApiVersions.DEFAULT, null))
                .isEqualTo(CSDK.at("/expected/username_no_user_agent").asText());
        // The C SDK leaves '/' raw in ClientVersion; the design asks for url-encoding.
        assertThat(ConnectRequest.username(idScope, registrationId, ApiVersions.DEFAULT,
                CSDK.at("/inputs/user_agent").asText()))
                .isEqualTo(CSDK.at("/expected/username_with_user_agent").asText().replace("c/1.2.3", "c%2F1.2.3"));
    }

    @Test
    void connectRequestForX509HasNoPasswordAndClientIdIsRegistrationId() throws Exception {
        RegistrationSettings settings = RegistrationSettings.builder().idScope("0neFEEDC0DE")
                .registrationId("my-device").credentials(Credentials.x509()).userAgent("kura-dps/1.0 (linux)")
                .apiVersion(ApiVersions.V2021_06_01).build();
        ConnectRequest request = ConnectRequest.create(settings, Instant.EPOCH);
        assertThat(request.clientId()).isEqualTo("my-device");
        assertThat(request.username()).isEqualTo(
                "0neFEEDC0DE/registrations/my-device/api-version=2021-06-01&ClientVersion=kura-dps%2F1.0%20%28linux%29");
        assertThat(request.password()).isNull();
        assertThat(request.sasExpiry()).isNull();
        assertThat(request.toString()).contains("password=none");
    }

    @Test
    void toStringNeverShowsTheTokenOrKey() throws Exception {
        String key = CRYPTO.at("/group_key_derivation/expected_device_key").asText();
        Credentials credentials = Credentials.symmetricKey(key);
        RegistrationSettings settings = RegistrationSettings.builder().idScope("0ne00000A0A").registrationId("dev-1")
                .credentials(credentials).build();
        ConnectRequest request = ConnectRequest.create(settings, Instant.parse("2024-01-01T00:00:00Z"));
        String token = new String(request.password());
        String signature = token.substring(token.indexOf("&sig=") + 5, token.indexOf("&se="));
        assertThat(request.toString()).doesNotContain(signature).doesNotContain(token).contains("redacted");
        assertThat(credentials.toString()).doesNotContain(key).contains("redacted");
        assertThat(settings.toString()).doesNotContain(key).contains("SYMMETRIC_KEY");
        char[] copy = request.password();
        copy[0] = 'X';
        assertThat(request.password()[0]).isEqualTo('S');
    }

    @Test
    void badKeysAreRejectedWithoutEchoingThem() {
        assertThatThrownBy(() -> Credentials.symmetricKey("not*base64!")).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("symmetricKey").hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> Credentials.groupKey("c2hvcnQ=")).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("groupKey").hasMessageContaining("5 bytes");
        assertThatThrownBy(() -> Credentials.symmetricKey(" ")).hasMessageContaining("missing");
        assertThatThrownBy(() -> Credentials.symmetricKey(null)).hasMessageContaining("missing");
        assertThatThrownBy(() -> SasTokens.create("0ne00000A0A", "r", "%%%", 1)).hasMessageContaining("deviceKey");
        assertThatThrownBy(() -> DerivedKeys.deviceKey("", "r")).hasMessageContaining("groupKey");
    }

    @Test
    void credentialsCompareByTypeAndKey() throws Exception {
        String key = CRYPTO.at("/group_key_derivation/expected_device_key").asText();
        assertThat(Credentials.symmetricKey(key)).isEqualTo(Credentials.symmetricKey(" " + key + "\n"))
                .hasSameHashCodeAs(Credentials.symmetricKey(key)).isNotEqualTo(Credentials.groupKey(key))
                .isNotEqualTo(Credentials.x509()).isNotEqualTo("key");
        assertThat(Credentials.x509().usesSasToken()).isFalse();
        assertThat(Credentials.x509().toString()).isEqualTo("Credentials[X509]");
    }

    private static JsonNode sasCase(String variantPrefix) {
        for (JsonNode vector : CRYPTO.at("/sas_full_chain_COMPUTED_LOCALLY/cases")) {
            if (vector.get("variant").asText().startsWith(variantPrefix)) {
                return vector;
            }
        }
        throw new IllegalArgumentException(variantPrefix);
    }
}
