package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

class RegistrationSettingsTest {

    static final String DEVICE_KEY = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=";

    static RegistrationSettings.Builder valid() throws DpsProtocolException {
        return RegistrationSettings.builder().idScope("0ne00000A0A").registrationId("gw-01")
                .credentials(Credentials.symmetricKey(DEVICE_KEY));
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        RegistrationSettings settings = valid().userAgent(" ").customPayloadJson("").certificateSigningRequest(" ")
                .build();
        assertThat(settings.apiVersion()).isEqualTo("2019-03-31");
        assertThat(settings.userAgent()).isNull();
        assertThat(settings.customPayloadJson()).isNull();
        assertThat(settings.certificateSigningRequest()).isNull();
        assertThat(settings.maxRetryAfter()).isEqualTo(Duration.ofSeconds(300));
        assertThat(settings.sasLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.overallDeadline()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.toString()).contains("customPayload=none", "csr=none");
    }

    @Test
    void everyValueIsKept() throws Exception {
        RegistrationSettings settings = valid().idScope(" 0ne00000A0A ").apiVersion(ApiVersions.V2025_07_01_PREVIEW)
                .userAgent("kura/5").customPayloadJson("{\"model\":\"x\"}").certificateSigningRequest("TUlJQg==")
                .sasLifetime(Duration.ofMinutes(5)).responseTimeout(Duration.ofSeconds(5))
                .overallDeadline(Duration.ofMinutes(2)).maxRetryAfter(Duration.ofSeconds(60))
                .backoffBase(Duration.ofMillis(1500)).backoffMax(Duration.ofSeconds(20)).build();
        assertThat(settings.idScope()).isEqualTo("0ne00000A0A");
        assertThat(settings.registrationId()).isEqualTo("gw-01");
        assertThat(settings.userAgent()).isEqualTo("kura/5");
        assertThat(settings.customPayloadJson()).isEqualTo("{\"model\":\"x\"}");
        assertThat(settings.certificateSigningRequest()).isEqualTo("TUlJQg==");
        assertThat(settings.sasLifetime()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.overallDeadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.maxRetryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.backoffBase()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.backoffMax()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.credentials().type()).isEqualTo(Credentials.Type.SYMMETRIC_KEY);
        assertThat(settings.toString()).contains("customPayload=13 chars", "csr=present").doesNotContain(DEVICE_KEY);
    }

    @Test
    void badValuesAreNamed() {
        rejects(b -> b.idScope(null), "idScope");
        rejects(b -> b.idScope("scope"), "idScope");
        rejects(b -> b.registrationId(null), "registrationId: missing");
        rejects(b -> b.registrationId("GW-01"), "lowercase");
        rejects(b -> b.registrationId("gw 01"), "registrationId");
        rejects(b -> b.registrationId(repeat('a', 129)), "129 characters");
        rejects(b -> b.apiVersion("latest"), "apiVersion");
        rejects(b -> b.apiVersion(null), "apiVersion");
        rejects(b -> b.credentials(null), "credentials");
        rejects(b -> b.customPayloadJson("[1]"), "customPayloadJson");
        rejects(b -> b.certificateSigningRequest("TUlJQg=="), "certificateSigningRequest: api-version 2019-03-31");
        rejects(b -> b.apiVersion(ApiVersions.V2025_07_01_PREVIEW).certificateSigningRequest("*"), "not base64");
        rejects(b -> b.sasLifetime(Duration.ofSeconds(30)), "sasLifetime");
        rejects(b -> b.sasLifetime(null), "sasLifetime");
        rejects(b -> b.responseTimeout(Duration.ZERO), "responseTimeout");
        rejects(b -> b.responseTimeout(Duration.ofHours(1)), "responseTimeout: 3600 s is longer than overallDeadline (600 s)");
        rejects(b -> b.overallDeadline(Duration.ofSeconds(-1)), "overallDeadline");
        rejects(b -> b.maxRetryAfter(Duration.ofMillis(500)), "maxRetryAfter");
        rejects(b -> b.maxRetryAfter(null), "maxRetryAfter");
        rejects(b -> b.backoffBase(null), "backoffBase");
        rejects(b -> b.backoffMax(Duration.ZERO), "backoffMax");
        rejects(b -> b.backoffBase(Duration.ofSeconds(10)).backoffMax(Duration.ofSeconds(5)), "exceeds backoffMax");
    }

    @Test
    void registrationIdMayUseEveryAllowedCharacterAndMaximumLength() throws Exception {
        assertThat(valid().registrationId("a-b.c_d:9").build().registrationId()).isEqualTo("a-b.c_d:9");
        assertThat(valid().registrationId(repeat('z', 128)).build().registrationId()).hasSize(128);
    }

    @Test
    void apiVersionsAcceptWellFormedFutureVersions() throws Exception {
        assertThat(ApiVersions.validate("2030-01-01")).isEqualTo("2030-01-01");
        assertThat(ApiVersions.isKnown("2030-01-01")).isFalse();
        assertThat(ApiVersions.isKnown(ApiVersions.V2021_10_01)).isTrue();
        assertThat(ApiVersions.KNOWN).containsExactly("2019-03-31", "2021-06-01", "2021-10-01", "2025-07-01-preview");
        assertThat(ApiVersions.supportsCertificateSigningRequest(ApiVersions.V2021_10_01)).isFalse();
        assertThat(ApiVersions.supportsCertificateSigningRequest("2026-01-01-preview")).isTrue();
    }

    private static void rejects(UnaryOperator<RegistrationSettings.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(valid()).build()).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining(message).hasMessageNotContaining(DEVICE_KEY);
    }

    private static String repeat(char c, int n) {
        return new String(new char[n]).replace('\0', c);
    }
}
