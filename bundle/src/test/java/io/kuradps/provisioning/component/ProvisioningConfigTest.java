package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.TestConfigs.DEVICE_KEY;
import static io.kuradps.provisioning.component.TestConfigs.identity;
import static io.kuradps.provisioning.component.TestConfigs.registration;
import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.eclipse.kura.crypto.CryptoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.protocol.ApiVersions;
import io.kuradps.provisioning.protocol.MqttTransport;
import io.kuradps.provisioning.transport.HttpProxy;
import io.kuradps.testsupport.kura.MarkingCryptoService;

class ProvisioningConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsWithIdentityAreValid() throws Exception {
        ProvisioningConfig.Registration registration = registration(valid());
        RegistrationIdentity config = registration.identity;

        assertThat(config.endpointHost).isEqualTo("global.azure-devices-provisioning.net");
        assertThat(config.endpointPort).isEqualTo(8883);
        assertThat(config.transport).isEqualTo(MqttTransport.MQTT);
        assertThat(config.apiVersion).isEqualTo("2019-03-31");
        assertThat(registration.policy).isEqualTo(ProvisioningConfig.ReprovisionPolicy.ON_HUB_ERROR);
        assertThat(registration.timing.deadline).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.customPayload).isNull();
        assertThat(registration.settings.registrationId()).isEqualTo(config.registrationId);
    }

    @Test
    void disabledConfigurationNeedsNothingElse() throws Exception {
        ProvisioningConfig config = ProvisioningConfig.from(TestConfigs.of(Map.of("enabled", false)), null);

        assertThat(config.registration()).isEmpty();
        assertThat(config.identity()).isEmpty();
        assertThat(config.toString()).contains("enabled=false");
    }

    @Test
    void webSocketDefaultsToPort443AndExplicitPortWins() throws Exception {
        assertThat(identity(valid("transport", "mqtt-websocket")).endpointPort).isEqualTo(443);
        RegistrationIdentity local = identity(valid("global.endpoint", "LocalHost:18883"));
        assertThat(local.endpointHost).isEqualTo("localhost");
        assertThat(local.endpointPort).isEqualTo(18883);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "global.endpoint|''|is required",
        "global.endpoint|mqtts://dps.example.com|without scheme",
        "global.endpoint|dps.example.com:0|port '0'",
        "global.endpoint|dps.example.com:http|port 'http'",
        "global.endpoint|bad_host!|not a host name",
        "id.scope|''|is required",
        "id.scope|scope-1|DPS id scope",
        "registration.id|''|is required",
        "registration.id|Gateway-1|lowercase",
        "attestation|tpm|not one of symmetric-key, x509",
        "enrollment.kind|team|not one of individual, group",
        "symmetric.key|''|is required",
        "symmetric.key|not*base64|not valid base64",
        "symmetric.key|c2hvcnQ=|bytes",
        "transport|amqp|not one of mqtt, mqtt-websocket",
        "api.version|latest|latest",
        "custom.payload|[1,2]|object",
        "custom.payload|{broken|JSON",
        "ca.file|/no/such/ca.pem|does not exist",
        "x509.pkcs12.path|/no/such/file.p12|does not exist",
        "reprovision.policy|sometimes|not one of on-hub-error, every-start, without-valid-cache",
    })
    void eachFieldIsValidatedByName(String field, String value, String expected) {
        assertThatThrownBy(() -> ProvisioningConfig.from(valid(field, value), null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + ": ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "sas.lifetime.seconds, 59", "sas.lifetime.seconds, 86401",
        "response.timeout.seconds, 0", "response.timeout.seconds, 601",
        "max.retry.after.seconds, 0", "backoff.max.seconds, 0", "deadline.seconds, 9",
        "retry.pause.max.seconds, 9",
    })
    void numbersOutsideTheirRangeAreRejectedByName(String field, int value) {
        assertThatThrownBy(() -> ProvisioningConfig.from(valid(field, value), null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + ": " + value + " s is outside");
    }

    @Test
    void aResponseTimeoutLongerThanTheDeadlineIsNamedInSecondsAndFieldIds() {
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("response.timeout.seconds", 30, "deadline.seconds", 10),
                null)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("response.timeout.seconds: 30 s is longer than deadline.seconds (10 s)");
    }

    @Test
    void problemsTheProtocolCoreFindsAreNamedByTheConfigurationField() {
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("enrollment.kind", "group", "symmetric.key", "c2hvcnQ="),
                null)).hasMessage("symmetric.key: decodes to 5 bytes; DPS keys have 16 to 64 bytes");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("registration.id", "gw 1"), null))
                .hasMessageStartingWith("registration.id: 'gw 1' may contain only");
    }

    @Test
    void aResolvedRegistrationIdIsWhatIsValidatedAndRegistered() throws Exception {
        ProvisioningConfig config = ProvisioningConfig.from(valid("registration.id", "gw-${serial}"), null,
                configured -> configured.replace("${serial}", "0042"));
        assertThat(config.identity()).map(identity -> identity.registrationId).contains("gw-0042");
        assertThat(config.registration().get().settings.registrationId()).isEqualTo("gw-0042");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("registration.id", "gw-${serial}"), null,
                configured -> configured.replace("${serial}", "A B"))).hasMessageStartingWith("registration.id: ");
    }

    @Test
    void aCertificateRequestNamesItsKeystoreAndRegistersWithThePreviewVersion() throws Exception {
        Object[] issuance = { "certificate.issuance", true, "certificate.keystore.service.pid", "DeviceKeystore" };
        RegistrationIdentity identity = TestConfigs.identity(valid(issuance));
        CertificateRequest request = identity.certificateRequest;
        assertThat(request.keystorePid).isEqualTo("DeviceKeystore");
        assertThat(request.alias).isEqualTo(DpsProvisionerConfig.CERTIFICATE_ALIAS_DEFAULT);
        assertThat(request.pendingAlias()).isEqualTo("kura-dps-device.pending");
        assertThat(request.keyType).as("the key Azure takes").isEqualTo(ProvisioningConfig.KeyType.EC_P384);
        assertThat(request.keyType.signatureAlgorithm).isEqualTo("SHA384withECDSA");
        assertThat(request.renewBefore).isEqualTo(Duration.ofHours(DpsProvisionerConfig.RENEW_BEFORE_HOURS_DEFAULT));
        assertThat(identity.apiVersion).isEqualTo(ApiVersions.CERTIFICATE_ISSUANCE);
        assertThat(identity.toString()).contains("certificate=ec-p384 in DeviceKeystore/kura-dps-device");
        assertThat(identity).isNotEqualTo(TestConfigs.identity(valid()));
        assertThat(TestConfigs.identity(valid()).certificateRequest).isNull();
        assertThat(TestConfigs.identity(valid("certificate.issuance", true, "certificate.keystore.service.pid", "K",
                "certificate.key.type", "rsa-2048")).certificateRequest.keyType.signatureAlgorithm)
                .isEqualTo("SHA256withRSA");

        assertThat(TestConfigs.identity(valid("certificate.issuance", true)).certificateRequest.keystorePid)
                .as("nothing typed").isEqualTo("KuraDpsKeystore");
        assertThat(TestConfigs.identity(valid("certificate.issuance", true, "certificate.keystore.service.pid", " "))
                .certificateRequest.keystorePid).as("empty, as stored before it had a default")
                .isEqualTo("KuraDpsKeystore");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("certificate.issuance", true,
                "certificate.keystore.service.pid", "KuraDpsPendingKeystore"), null))
                .hasMessageStartingWith("certificate.keystore.service.pid: 'KuraDpsPendingKeystore' is where a new "
                        + "key waits for its certificate");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("certificate.issuance", true,
                "certificate.keystore.service.pid", "K", "certificate.keystore.alias", " "), null))
                .hasMessage("certificate.keystore.alias: is required");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("certificate.issuance", true,
                "certificate.keystore.service.pid", "K", "certificate.key.type", "dsa-1024"), null))
                .hasMessage("certificate.key.type: 'dsa-1024' is not one of ec-p384, ec-p256, rsa-2048, rsa-3072");
    }

    @Test
    void onlyEcP384IsTakenByAzureAndEveryOtherKeyTypeSaysSo() {
        assertThat(ProvisioningConfig.KeyType.EC_P384.azureRefusal()).isEmpty();
        for (ProvisioningConfig.KeyType type : ProvisioningConfig.KeyType.values()) {
            if (type != ProvisioningConfig.KeyType.EC_P384) {
                assertThat(type.azureRefusal()).as(type.value()).hasValueSatisfying(warning -> assertThat(warning)
                        .startsWith("certificate.key.type is " + type.value() + ", which Azure's certificate issuance "
                                + "refuses today (it takes ec-p384 only)"));
            }
        }
    }

    @Test
    void renewalIsTheConfiguredTimeAheadButNeverBeforeHalfTheValidity() throws Exception {
        CertificateRequest week = TestConfigs.identity(valid("certificate.issuance", true,
                "certificate.keystore.service.pid", "K")).certificateRequest;
        Instant assignedAt = Instant.parse("2026-03-01T00:00:00Z");
        assertThat(week.renewalAt(issued(assignedAt, Duration.ofDays(30))))
                .isEqualTo(assignedAt.plus(Duration.ofDays(23)));
        assertThat(week.renewalAt(issued(assignedAt, Duration.ofDays(10))))
                .isEqualTo(assignedAt.plus(Duration.ofDays(5)));
        assertThat(week.isSatisfiedBy(issued(assignedAt, Duration.ofDays(1)))).isTrue();
        assertThat(week.isSatisfiedBy(issued(assignedAt, Duration.ofDays(1)).toBuilder().certificate(null).build()))
                .isFalse();
    }

    private static Assignment issued(Instant at, Duration validity) {
        return Assignment.builder().assignedHub("h").deviceId("d").registrationId("r")
                .idScope("0ne00000001").assignedAt(at).source(Assignment.Source.DPS)
                .certificate(new IssuedCertificate("AB", at.plus(validity), "K",
                        DpsProvisionerConfig.CERTIFICATE_ALIAS_DEFAULT))
                .build();
    }

    @Test
    void x509NeedsExactlyOneCompleteSource() throws Exception {
        Path file = Files.writeString(dir.resolve("device.pem"), "x");

        assertThatThrownBy(() -> ProvisioningConfig.from(valid("attestation", "x509"), null))
                .hasMessageStartingWith("x509.pkcs12.path: X.509 attestation needs a client identity");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("attestation", "x509",
                "x509.certificate.path", file.toString()), null))
                .hasMessageStartingWith("x509.key.path: required together with x509.certificate.path");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("attestation", "x509",
                "x509.key.path", file.toString()), null))
                .hasMessageStartingWith("x509.certificate.path: required together with x509.key.path");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("attestation", "x509",
                "x509.pkcs12.path", file.toString(), "x509.keystore.service.pid", "SSLKeystore"), null))
                .hasMessageStartingWith("x509.pkcs12.path: set only one X.509 source");
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("attestation", "x509",
                "x509.keystore.service.pid", "SSLKeystore"), null))
                .hasMessageStartingWith("x509.keystore.alias: is required");

        RegistrationIdentity keystore = identity(valid("attestation", "x509", "symmetric.key", "",
                "x509.keystore.service.pid", "SSLKeystore", "x509.keystore.alias", "dps"));
        assertThat(keystore.x509Source).isEqualTo(ProvisioningConfig.X509Source.KEYSTORE);
        RegistrationIdentity pem = identity(valid("attestation", "x509",
                "x509.certificate.path", file.toString(), "x509.key.path", file.toString()));
        assertThat(pem.x509Source).isEqualTo(ProvisioningConfig.X509Source.PEM);
    }

    @Test
    void passwordsAreDecryptedThroughCryptoService() throws Exception {
        CryptoService crypto = new MarkingCryptoService();
        String encrypted = new String(crypto.encryptAes(DEVICE_KEY.toCharArray()));

        ProvisioningConfig config = ProvisioningConfig.from(valid("symmetric.key", encrypted), crypto);

        assertThat(config.identity()).map(identity -> identity.symmetricKey).contains(DEVICE_KEY);
    }

    @Test
    void plainPasswordIsUsedWhenDecryptionFailsOrCryptoIsAbsent() throws Exception {
        assertThat(ProvisioningConfig.from(valid(), new MarkingCryptoService()).identity().get().symmetricKey)
                .isEqualTo(DEVICE_KEY);
        assertThat(identity(valid()).symmetricKey).isEqualTo(DEVICE_KEY);
    }

    @Test
    void onlyRegistrationFieldsCountAsRelevantChanges() throws Exception {
        RegistrationIdentity base = identity(valid());

        RegistrationIdentity retimed = identity(valid("response.timeout.seconds", 5, "deadline.seconds", 60,
                "reprovision.policy", "without-valid-cache"));
        assertThat(retimed).isEqualTo(base).hasSameHashCodeAs(base);
        assertThat(identity(valid("registration.id", "gateway-2"))).isNotEqualTo(base);
        assertThat(identity(valid("transport", "mqtt-websocket"))).isNotEqualTo(base);
        assertThat(identity(valid("custom.payload", "{\"a\":1}"))).isNotEqualTo(base);
        assertThat(identity(valid("symmetric.key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))).isNotEqualTo(base);
        assertThat(identity(valid("sas.lifetime.seconds", 60))).isNotEqualTo(base);
        assertThat(identity(valid("ca.keystore.service.pid", "SSLKeystore"))).isNotEqualTo(base);
        assertThat(ProvisioningConfig.from(TestConfigs.of(Map.of("enabled", false)), null).identity())
                .isEqualTo(ProvisioningConfig.from(TestConfigs.of(Map.of("enabled", false, "id.scope", "x")), null)
                        .identity());
    }

    @Test
    void proxyIsOffWithoutAHostAndTakesHostPortAndCredentials() throws Exception {
        assertThat(identity(valid("proxy.port", 0, "proxy.username", "a:b")).proxy).isNull();

        RegistrationIdentity plain = identity(valid("proxy.host", " Proxy.Example.COM "));
        assertThat(plain.proxy).isEqualTo(HttpProxy.at("proxy.example.com", 3128));
        assertThat(identity(valid("proxy.host", "fd00::3128", "proxy.port", 8080)).proxy)
                .isEqualTo(HttpProxy.at("fd00::3128", 8080));
        CryptoService crypto = new MarkingCryptoService();
        String encrypted = new String(crypto.encryptAes("proxy-secret".toCharArray()));
        RegistrationIdentity authenticated = ProvisioningConfig.from(valid("proxy.host", "10.0.0.1",
                "proxy.username", "gw", "proxy.password", encrypted), crypto).identity().get();
        assertThat(authenticated.proxy).isEqualTo(HttpProxy.at("10.0.0.1", 3128).withCredentials("gw", "proxy-secret"));
        assertThat(authenticated.toString()).contains("proxy=10.0.0.1:3128").doesNotContain("proxy-secret")
                .doesNotContain(encrypted);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "proxy.host|http://proxy.example.com|without scheme",
        "proxy.host|user@proxy.example.com|credentials",
        "proxy.host|proxy.example.com:8080|give the port in proxy.port",
        "proxy.host|bad_host!|not a host name or address",
        "proxy.port|0|0 is outside 1..65535",
        "proxy.port|65536|65536 is outside 1..65535",
        "proxy.username|a:b|cannot carry a ':'",
    })
    void proxyFieldsAreValidatedByName(String field, String value, String expected) {
        Object typed = field.equals("proxy.port") ? (Object) Integer.valueOf(value) : value;
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("proxy.host", "proxy.example.com", field, typed), null))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(field + ": ")
                .hasMessageContaining(expected);
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("proxy.host", "proxy.example.com",
                "proxy.password", "x"), null)).hasMessage("proxy.username: is required when proxy.password is set");
    }

    @Test
    void aProxyChangeIsARelevantChangeAndItsPasswordNeverShows() throws Exception {
        RegistrationIdentity base = identity(valid("proxy.host", "proxy.example.com", "proxy.username", "gw",
                "proxy.password", "first-secret"));

        assertThat(identity(valid())).isNotEqualTo(base);
        assertThat(identity(valid("proxy.host", "proxy.example.com", "proxy.port", 8080, "proxy.username", "gw",
                "proxy.password", "first-secret"))).isNotEqualTo(base);
        assertThat(identity(valid("proxy.host", "proxy.example.com", "proxy.username", "gw",
                "proxy.password", "second-secret"))).isNotEqualTo(base);
        assertThat(ProvisioningConfig.from(valid("proxy.host", "proxy.example.com", "proxy.username", "gw",
                "proxy.password", "first-secret"), null).toString()).doesNotContain("first-secret");
    }

    @Test
    void secretsNeverAppearInTextOrErrors() throws Exception {
        ProvisioningConfig config = ProvisioningConfig.from(valid(), null);
        assertThat(config.toString()).doesNotContain(DEVICE_KEY).contains("<redacted>");

        String almostKey = DEVICE_KEY.substring(0, 20) + "*";
        assertThatThrownBy(() -> ProvisioningConfig.from(valid("symmetric.key", almostKey), null))
                .hasMessageNotContaining(DEVICE_KEY.substring(0, 20));
    }
}
