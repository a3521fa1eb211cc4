package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuradps.simulator.Faults.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replays real DPS answers (SDK test suites, captures from users; see resources/vectors/SOURCES.md) next to
 * the simulator's own answer for the same situation: same fields, same JSON types, same topic form.
 */
class RealPayloadShapeTest {

    static final String KEY = RegistrationTest.KEY;
    DpsSimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    DpsSimulator start(DpsSimulator.Builder builder, Enrollment... enrollments) {
        simulator = builder.mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A").retryAfterSeconds(3)
                .enrollments(Enrollments.of(enrollments)).start();
        return simulator;
    }

    static String vector(String name) {
        try (InputStream in = RealPayloadShapeTest.class.getResourceAsStream("/vectors/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing vector " + name, e);
        }
    }

    static JsonNode json(String text) {
        try {
            return TestDevice.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every field path with its JSON type; the contents of a custom payload are left out unless asked. */
    static Set<String> shape(JsonNode node) {
        Set<String> paths = new TreeSet<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String path, Set<String> paths) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String here = path + field.getKey();
            paths.add(here + ":" + field.getValue().getNodeType());
            if (field.getValue().isObject()) {
                collect(field.getValue(), here + ".", paths);
            }
        }
    }

    TestDevice connect(String registrationId, DeviceIdentity identity) {
        TestDevice device;
        if (identity != null) {
            device = TestDevice.open(simulator.mqttPort(), simulator.clientSslContext(identity));
            device.connect(registrationId, TestDevice.username(simulator.idScope(), registrationId), null);
        } else {
            device = TestDevice.open(simulator);
            device.connect(simulator, registrationId, KEY);
        }
        device.subscribeToResponses();
        return device;
    }

    @Test
    void registerAnswerHasTheShapeAndTopicOfTheRealAssigningAnswer() {
        start(DpsSimulator.builder().pollsBeforeAssignment(2),
                Enrollment.individual("my-registration-id", Attestation.symmetricKey(KEY)));
        try (TestDevice device = connect("my-registration-id", null)) {
            device.register("1", "my-registration-id");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo(vector("csdk_assigning.json.topic"));
            assertThat(shape(answer.json())).isEqualTo(shape(json(vector("csdk_assigning.json"))));

            device.poll("1", answer.json().path("operationId").asText());
            TestDevice.Response polled = device.response();
            assertThat(shape(polled.json())).isEqualTo(shape(json(vector("csdk_assigning_with_registrationState.json"))));
            // the real topic has retry-after first, which DPS also does; the parameters are the same
            assertThat(Set.of(polled.topic().substring(polled.topic().indexOf('?') + 1).split("&")))
                    .isEqualTo(Set.of("$rid=1", "retry-after=3"));
            assertThat(Set.of(vector("csdk_assigning_with_registrationState.json.topic").split("\\?")[1].split("&")))
                    .isEqualTo(Set.of("$rid=1", "retry-after=120"));
        }
    }

    @Test
    void assignedAnswerOfAnX509DeviceHasTheShapeOfTheRealOne() {
        start(DpsSimulator.builder().pollsBeforeAssignment(0),
                Enrollment.individual("myregistrationid", Attestation.x509BySimulatorCa()).withDeviceId("my-device-id1")
                        .withIotHubs("contoso.azure-devices.net"));
        try (TestDevice device = connect("myregistrationid", simulator.issueDeviceCertificate("myregistrationid"))) {
            device.register("1", "myregistrationid");
            TestDevice.Response answer = device.response();
            JsonNode real = json(vector("csdk_assigned.json"));
            assertThat(answer.topic()).isEqualTo(vector("csdk_assigned.json.topic"));
            assertThat(shape(answer.json())).isEqualTo(shape(real));
            JsonNode state = answer.json().path("registrationState");
            for (String field : new String[] {"assignedHub", "deviceId", "status", "substatus"}) {
                assertThat(state.path(field).asText()).isEqualTo(real.path("registrationState").path(field).asText());
            }
            assertSameFormats(state, real.path("registrationState"));
            assertThat(answer.json().path("operationId").asText()).matches(
                    operationIdPattern(real.path("operationId").asText()));
        }
    }

    @Test
    void customAllocationPayloadAnswerHasTheShapeOfTheRealOne() {
        JsonNode real = json(vector("csdk_assigned_with_custom_payload.json"));
        String realPayload = real.path("registrationState").path("payload").toString();
        start(DpsSimulator.builder().pollsBeforeAssignment(0),
                Enrollment.individual("myregistrationid", Attestation.x509BySimulatorCa()).withDeviceId("my-device-id1")
                        .withIotHubs("contoso.azure-devices.net")
                        .withCustomAllocation((id, payload, hubs) -> new CustomAllocation.Decision(hubs.get(0), null,
                                realPayload)));
        try (TestDevice device = connect("myregistrationid", simulator.issueDeviceCertificate("myregistrationid"))) {
            device.register("1", "myregistrationid");
            JsonNode answer = device.response().json();
            assertThat(shape(answer)).isEqualTo(shape(real));
            assertThat(answer.path("registrationState").path("payload")).isEqualTo(real.path("registrationState").path("payload"));
        }
    }

    @Test
    void disabledAnswerIsTheRealOne() {
        start(DpsSimulator.builder(),
                Enrollment.individual("myRegistrationId", Attestation.symmetricKey(KEY)).withEnabled(false));
        try (TestDevice device = connect("myRegistrationId", null)) {
            device.register("1", "myRegistrationId");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo(vector("csdk_disabled.json.topic"));
            assertThat(answer.json()).isEqualTo(json(vector("csdk_disabled.json")));
        }
    }

    @Test
    void failedAnswerHasTheShapeOfTheRealOne() {
        start(DpsSimulator.builder(), Enrollment.individual("myRegistrationId", Attestation.symmetricKey(KEY)));
        JsonNode real = json(vector("csdk_failed_400207_custom_allocation.json"));
        simulator.faults().on(Trigger.POLL).inject(Fault.failed(400207,
                real.path("registrationState").path("errorMessage").asText()));
        try (TestDevice device = connect("myRegistrationId", null)) {
            device.register("1", "myRegistrationId");
            device.poll("1", device.response().json().path("operationId").asText());
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo(vector("csdk_failed_400207_custom_allocation.json.topic"));
            assertThat(shape(answer.json())).isEqualTo(shape(real));
            assertThat(answer.json().path("registrationState").path("errorMessage"))
                    .isEqualTo(real.path("registrationState").path("errorMessage"));
            assertSameFormats(answer.json().path("registrationState"), real.path("registrationState"));
        }
    }

    @Test
    void unauthorizedAnswerIsShapedLikeTheRealCapturedOne() {
        start(DpsSimulator.builder());
        JsonNode real = json(vector("real_dps_error_401000_unauthorized.json"));
        try (TestDevice device = connect("nobody", null)) {
            device.register("1", "nobody");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo(vector("real_dps_error_401000_unauthorized.json.topic"));
            assertThat(shape(answer.json())).isEqualTo(shape(real));
            assertThat(answer.json().path("errorCode")).isEqualTo(real.path("errorCode"));
            assertThat(answer.json().path("message")).isEqualTo(real.path("message"));
            assertThat(answer.json().path("timestampUtc").asText())
                    .matches(timestampPattern(real.path("timestampUtc").asText()));
            assertThat(answer.json().path("trackingId").asText()).matches(uuidPattern());
        }
    }

    @Test
    void invalidCertificateAnswerIsShapedLikeTheRealOne() {
        start(DpsSimulator.builder(), Enrollment.group("fleet", Attestation.x509BySimulatorCa()));
        JsonNode real = json(vector("csdk_error_401002_invalid_certificate.json"));
        try (DpsSimulator stranger = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).start();
                TestDevice device = connect("cam-1", stranger.issueDeviceCertificate("cam-1"))) {
            device.register("1", "cam-1");
            TestDevice.Response answer = device.response();
            assertThat(answer.topic()).isEqualTo(vector("csdk_error_401002_invalid_certificate.json.topic"));
            assertThat(shape(answer.json())).isEqualTo(shape(real));
            assertThat(answer.json().path("errorCode")).isEqualTo(real.path("errorCode"));
            assertThat(answer.json().path("message")).isEqualTo(real.path("message"));
        }
    }

    @Test
    void reprovisionedAnswersCarryTheRealSubstatusesAndFields() {
        Enrollment base = Enrollment.individual("vm-dm-dev-4", Attestation.symmetricKey(KEY))
                .withIotHubs("test-iot.azure-devices.net");
        start(DpsSimulator.builder().pollsBeforeAssignment(0), base);
        try (TestDevice device = connect("vm-dm-dev-4", null)) {
            device.register("1", "vm-dm-dev-4");
            device.response();
        }
        simulator.enrollments().put(base.withIotHubs("test-hub-integration.azure-devices.net"));
        JsonNode migrated;
        try (TestDevice device = connect("vm-dm-dev-4", null)) {
            device.register("2", "vm-dm-dev-4");
            migrated = device.response().json().path("registrationState");
        }
        JsonNode realMigrated = json(vector("real_registrationState_deviceDataMigrated.json"));
        assertThat(shape(migrated)).containsAll(shape(realMigrated))
                .containsOnlyOnce("symmetricKey:OBJECT"); // the capture had its attestation field cut
        assertThat(migrated.path("substatus")).isEqualTo(realMigrated.path("substatus"));
        assertThat(migrated.path("assignedHub")).isEqualTo(realMigrated.path("assignedHub"));
        assertSameFormats(migrated, realMigrated);

        simulator.enrollments().put(base);
        try (TestDevice device = connect("vm-dm-dev-4", null)) {
            device.register("3", "vm-dm-dev-4");
            JsonNode back = device.response().json();
            JsonNode realBack = json(vector("kanto_assigned_reprovisionedToInitialAssignment.json"));
            assertThat(back.path("registrationState").path("substatus"))
                    .isEqualTo(realBack.path("registrationState").path("substatus"));
            assertThat(shape(back).size()).isEqualTo(shape(realBack).size());
        }
    }

    @Test
    void sasTokensInAllThreeResourceEncodingsAreAccepted() {
        JsonNode crypto = json(vector("crypto_vectors.json"));
        JsonNode derivation = crypto.path("group_key_derivation");
        assertThat(Base64.getEncoder().encodeToString(SasToken.derivedDeviceKey(derivation.path("group_key").asText(),
                derivation.path("registration_id").asText()))).isEqualTo(derivation.path("expected_device_key").asText());
        // the vectors expire at 1700000000: run the simulator's clock just before
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A")
                .clock(Clock.fixed(Instant.ofEpochSecond(1_699_999_000L), ZoneOffset.UTC))
                .enrollments(Enrollments.of(Enrollment.group("docs-group",
                        Attestation.symmetricKey(derivation.path("group_key").asText()))))
                .start();
        for (JsonNode variant : crypto.path("sas_full_chain_COMPUTED_LOCALLY").path("cases")) {
            String registrationId = variant.path("registration_id").asText();
            try (TestDevice device = TestDevice.open(simulator)) {
                device.connect(registrationId, TestDevice.username("0ne00000A0A", registrationId),
                        variant.path("password").asText());
                device.subscribeToResponses();
                device.register("1", registrationId);
                assertThat(device.response().status()).as(variant.path("variant").asText()).isEqualTo(202);
            }
        }
    }

    private static void assertSameFormats(JsonNode ours, JsonNode real) {
        for (String field : new String[] {"createdDateTimeUtc", "lastUpdatedDateTimeUtc"}) {
            assertThat(ours.path(field).asText()).matches(timestampPattern(real.path(field).asText()));
        }
        String realEtag = new String(Base64.getDecoder().decode(real.path("etag").asText()), StandardCharsets.UTF_8);
        String ourEtag = new String(Base64.getDecoder().decode(ours.path("etag").asText()), StandardCharsets.UTF_8);
        assertThat(realEtag).startsWith("\"").endsWith("\"");
        assertThat(ourEtag).startsWith("\"").endsWith("\"").hasSameSizeAs(realEtag);
    }

    /** Turns a real example into a pattern: digits stay digits, hex stays hex. */
    private static String timestampPattern(String example) {
        return example.replaceAll("\\d", "\\\\d").replace(".", "\\.");
    }

    private static String operationIdPattern(String example) {
        assertThat(example).matches("\\d\\.[0-9a-f]{16}\\.[0-9a-f-]{36}");
        return "\\d\\.[0-9a-f]{16}\\.[0-9a-f-]{36}";
    }

    private static String uuidPattern() {
        return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    }
}
