package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.testing.Configs;

/** What the hub link writes, decided from its inputs alone: the vectors of transport-plans.json. */
class TransportPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<Map<String, Object>>() {
    };
    private static final String TOKEN = "SharedAccessSignature sr=hub%2Fdevices%2Fgw&sig=s3cr3t&se=1798790400";
    private static final Instant ISSUED = Instant.parse("2026-12-01T08:00:00Z");

    static Stream<Arguments> vectors() throws Exception {
        JsonNode file = file();
        List<Arguments> cases = new ArrayList<>();
        file.get("cases").forEach(c -> cases.add(Arguments.of(c.get("case").asText(), c, file.get("written"))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theWriteIsAFunctionOfAssignmentSettingsCredentialAndTheTransportAsItIs(String name, JsonNode vector,
            JsonNode written) throws Exception {
        TransportPlan plan = plan(vector, written);

        JsonNode expect = vector.get("expect");
        assertThat(plan.changed()).isEqualTo(JSON.convertValue(expect.get("changed"), PROPERTIES));
        assertThat(plan.password()).hasToString(expect.get("password").asText());
        if (plan.password().setsToken()) {
            assertThat(plan.password().signedWith(TOKEN).newValue()).hasValue(TOKEN);
        }
        assertThat(plan.snapshot()).as("snapshot").isEqualTo(expect.get("snapshot").asBoolean());
        JsonNode tls = expect.get("tls");
        assertThat(plan.tls().step()).isEqualTo(TlsPlan.Step.valueOf(tls.get("step").asText()));
        assertThat(plan.tls().sslManagerTarget()).isEqualTo(tls.get("sslManager").asText());
        assertThat(plan.tls().dedicatedSslManager().orElse(null))
                .isEqualTo(tls.has("dedicated") ? tls.get("dedicated").asText() : null);
        assertThat(plan.tls().addAzureRoots()).isEqualTo(tls.path("azureRoots").asBoolean(false));
        assertThat(plan.tls().key().map(KeystoreKey::toString).orElse(null))
                .isEqualTo(tls.has("key") ? tls.get("key").asText() : null);
        assertThat(plan.tls().trustKeystore().orElse(null))
                .isEqualTo(tls.has("trust") ? tls.get("trust").asText() : null);
        // What the read-back must show: the transport as written, with what changed in it.
        Map<String, Object> after = current(vector, written);
        after.putAll(plan.changed());
        assertThat(plan.expected().appliedIn(after)).isTrue();
        assertThat(plan.toString() + plan.password() + plan.tls()).doesNotContain("s3cr3t");
    }

    @Test
    void theVectorsReachEveryPasswordChangeAndTlsStepAndBothSnapshotDecisions() throws Exception {
        JsonNode file = file();
        Set<String> passwords = new HashSet<>();
        Set<TlsPlan.Step> steps = EnumSet.noneOf(TlsPlan.Step.class);
        Set<Boolean> snapshots = new HashSet<>();
        for (JsonNode vector : file.get("cases")) {
            TransportPlan plan = plan(vector, file.get("written"));
            passwords.add(plan.password().toString());
            steps.add(plan.tls().step());
            snapshots.add(plan.snapshot());
        }
        assertThat(passwords).containsExactlyInAnyOrder("keep", "clear", "set a token");
        assertThat(steps).containsExactlyInAnyOrder(TlsPlan.Step.values());
        assertThat(snapshots).containsExactlyInAnyOrder(true, false);
    }

    @Test
    void aPasswordChangeNeverShowsTheToken() {
        assertThat(PasswordChange.set(TOKEN)).hasToString("set a token");
        assertThat(HubCredential.sasToken(TOKEN, ISSUED).toString()).doesNotContain("s3cr3t");
        assertThat(PasswordChange.clear().newValue()).hasValue("");
        assertThat(PasswordChange.keep().newValue()).isEmpty();
    }

    /** The plan holds no token: it is signed right before the write, so no wait before it eats into its lifetime. */
    @Test
    void aTokenToSetIsSignedOnlyForTheWriteAndNeverWrittenUnsigned() {
        PasswordChange unsigned = PasswordChange.token();

        assertThat(unsigned.setsToken()).isTrue();
        assertThatThrownBy(unsigned::newValue).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signedWith");
        assertThat(unsigned.signedWith(TOKEN).newValue()).hasValue(TOKEN);
        assertThat(PasswordChange.keep().signedWith(TOKEN)).isSameAs(PasswordChange.keep());
        assertThat(PasswordChange.clear().signedWith(TOKEN).newValue()).hasValue("");
    }

    /** Kura builds its transport's client only when the configuration is written: a rewrite writes every value. */
    @Test
    void aRewriteWritesEveryValueButTakesNoSnapshotForThem() throws Exception {
        JsonNode file = file();
        Map<String, Object> written = JSON.convertValue(file.get("written"), PROPERTIES);
        TransportPlan plan = TransportPlan.decide(Assignment.builder().assignedHub("hub-a.azure-devices.net")
                .deviceId("gw-1").registrationId("gw-1").idScope("0ne00000001").assignedAt(ISSUED)
                .source(Assignment.Source.DPS).build(), HubLinkSettings.from(HubConfigs.of("enabled", true)),
                DeviceCredentials.Kind.X509, Optional.empty(), written, SslManagersSeen.NOTHING, true);

        assertThat(plan.changed()).isEqualTo(written);
        assertThat(plan.password()).isSameAs(PasswordChange.keep());
        assertThat(plan.snapshot()).isFalse();
        assertThat(plan.writes()).isTrue();
    }

    private static TransportPlan plan(JsonNode vector, JsonNode written) throws Exception {
        Map<String, Object> settings = vector.has("settings") ? JSON.convertValue(vector.get("settings"), PROPERTIES)
                : new HashMap<>();
        settings.put("enabled", true);
        DeviceCredentials.Kind onboarding = "x509".equals(vector.get("credential").asText())
                ? DeviceCredentials.Kind.X509 : DeviceCredentials.Kind.SYMMETRIC_KEY;
        Optional<KeystoreKey> enrollmentKey = Optional.ofNullable(vector.get("enrollmentKey"))
                .map(k -> new KeystoreKey(k.get("keystore").asText(), k.get("alias").asText()));
        JsonNode kura = vector.path("kura");
        SslManagersSeen seen = new SslManagersSeen(text(kura, "sslManagerOverKey"), text(kura, "transportTrusts"),
                text(kura, "defaultTrusts"));
        return TransportPlan.decide(assignment(vector.get("assignment")),
                HubLinkSettings.from(Configs.of(HubConnectionConfig.class, settings)),
                onboarding, enrollmentKey, current(vector, written), seen, false);
    }

    private static Optional<String> text(JsonNode node, String field) {
        return Optional.ofNullable(node.get(field)).map(JsonNode::asText);
    }

    /** The transport as written for hub-a and gw-1, changed as the case says (a null value: absent). */
    private static Map<String, Object> current(JsonNode vector, JsonNode written) {
        Map<String, Object> current = vector.path("replacesWritten").asBoolean(false) ? new HashMap<>()
                : JSON.convertValue(written, PROPERTIES);
        JSON.convertValue(vector.get("current"), PROPERTIES).forEach((id, value) -> {
            if (value == null) {
                current.remove(id);
            } else {
                current.put(id, value);
            }
        });
        return current;
    }

    private static Assignment assignment(JsonNode assignment) {
        Assignment.Builder builder = Assignment.builder().assignedHub(assignment.get("hub").asText())
                .deviceId(assignment.get("deviceId").asText()).registrationId("gw-1").idScope("0ne00000001")
                .assignedAt(ISSUED).source(Assignment.Source.DPS);
        JsonNode certificate = assignment.get("certificate");
        if (certificate != null) {
            builder.certificate(new IssuedCertificate("AB01", Instant.parse("2027-01-01T00:00:00Z"),
                    certificate.get("keystore").asText(), certificate.get("alias").asText()));
        }
        return builder.build();
    }

    private static JsonNode file() throws Exception {
        try (InputStream in = TransportPlanTest.class.getResourceAsStream("transport-plans.json")) {
            assertThat(in).as("transport-plans.json beside this class").isNotNull();
            return JSON.readTree(in);
        }
    }
}
