package io.kuradps.provisioning.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

class BodiesTest {

    private static final JsonNode CSDK = Vectors.json("csdk_connect_topics_body.json");

    @TestFactory
    List<DynamicTest> everyCSdkParseCase() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode vector : Vectors.json("csdk_response_parse_cases.json").get("cases")) {
            tests.add(DynamicTest.dynamicTest(vector.get("name").asText(), () -> checkParseCase(vector)));
        }
        return tests;
    }

    private static void checkParseCase(JsonNode vector) throws Exception {
        String topic = vector.get("topic").asText();
        byte[] payload = vector.get("payload").asText().getBytes(StandardCharsets.UTF_8);
        JsonNode expect = vector.get("expect");
        String result = expect.get("result").asText();
        if (!topic.contains("/?") || result.equals("AZ_ERROR_IOT_TOPIC_NO_MATCH")) {
            assertThatThrownBy(() -> Topics.parseResponse(topic)).isInstanceOf(DpsProtocolException.class);
            return;
        }
        ResponseTopic response = Topics.parseResponse(topic);
        if (!result.equals("AZ_OK")) {
            assertThatThrownBy(() -> Bodies.parseOperationStatus(payload)).isInstanceOf(DpsProtocolException.class)
                    .hasMessageNotContaining("Exception:");
            return;
        }
        if (expect.has("status")) {
            assertThat(response.status()).isEqualTo(expect.get("status").asInt());
        }
        if (expect.has("retry_after_seconds")) {
            assertThat(response.retryAfter().map(d -> d.getSeconds()).orElse(0L))
                    .isEqualTo(expect.get("retry_after_seconds").asLong());
        }
        if (!response.isSuccess()) {
            ServiceError error = Bodies.parseError(payload);
            assertThat(error.errorCode()).isEqualTo(expect.get("extended_error_code").asInt());
            assertThat(error.httpStatus()).isEqualTo(expect.get("error_code").asInt());
            assertThat(error.message()).contains(expect.get("error_message").asText());
            assertThat(error.trackingId()).contains(expect.get("error_tracking_id").asText());
            assertThat(error.timestampUtc()).contains(expect.get("error_timestamp").asText());
            return;
        }
        OperationStatus status = Bodies.parseOperationStatus(payload);
        if (expect.has("operation_id")) {
            assertThat(status.operationId()).isEqualTo(expect.get("operation_id").asText());
        }
        if (expect.has("operation_status")) {
            assertThat(status.status().jsonName()).isEqualTo(expect.get("operation_status").asText());
        }
        if (expect.has("operation_complete")) {
            assertThat(status.status().isTerminal()).isEqualTo(expect.get("operation_complete").asBoolean());
        }
        DeviceRegistration state = status.registrationState().orElse(null);
        if (expect.has("assigned_hub_hostname")) {
            assertThat(state.assignedHub().orElse("")).isEqualTo(expect.get("assigned_hub_hostname").asText());
            assertThat(state.deviceId().orElse("")).isEqualTo(expect.get("device_id").asText());
        }
        if (expect.has("payload")) {
            String expectedPayload = expect.get("payload").asText();
            if (expectedPayload.isEmpty()) {
                assertThat(state.payloadJson()).isEmpty();
            } else {
                assertThat(state.payloadJson()).contains(expectedPayload);
            }
        }
        if (expect.has("extended_error_code") && expect.get("extended_error_code").asInt() != 0) {
            assertThat(state.errorCode()).contains(expect.get("extended_error_code").asInt());
            assertThat(state.errorMessage()).contains(expect.get("error_message").asText());
            assertThat(state.lastUpdatedDateTimeUtc()).contains(expect.get("error_timestamp").asText());
        }
    }

    @Test
    void errorBodyWithoutErrorCodeIsRejected() {
        byte[] body = "{\"trackingId\":\"t\",\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Bodies.parseError(body)).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("errorCode");
    }

    @Test
    void payloadFilesParseWithTheirTopics() throws Exception {
        OperationStatus assigned = parse("payloads/csdk_assigned.json");
        DeviceRegistration state = assigned.registrationState().get();
        assertThat(assigned.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(state.registrationId()).contains("myRegistrationId");
        assertThat(state.assignedHub()).contains("contoso.azure-devices.net");
        assertThat(state.deviceId()).contains("my-device-id1");
        assertThat(state.status()).contains(RegistrationStatus.ASSIGNED);
        assertThat(state.substatus()).contains("initialAssignment");
        assertThat(state.createdDateTimeUtc()).contains("2020-04-10T03:11:13.0276997Z");
        assertThat(state.lastUpdatedDateTimeUtc()).contains("2020-04-10T03:11:13.2096201Z");
        assertThat(state.etag()).contains("IjYxMDA4ZDQ2LTAwMDAtMDEwMC0wMDAwLTVlOGZlM2QxMDAwMCI=");
        assertThat(state.errorCode()).isEmpty();
        assertThat(state.errorMessage()).isEmpty();
        assertThat(state.payloadJson()).isEmpty();
        assertThat(state.issuedCertificateChain()).isEmpty();
        assertThat(state.toString()).contains("contoso.azure-devices.net", "payload=none");

        assertThat(parse("payloads/csdk_assigned_with_custom_payload.json").registrationState().get().payloadJson())
                .contains("{\"hello\":\"world\",\"o1\":{\"v1\":123, \"o2\": {\"v2\":321}}, \"arr\":[1,2,3,4,5,6],\"num\":123}");
        assertThat(parse("payloads/csdk_assigning.json").registrationState()).isEmpty();
        OperationStatus assigning = parse("payloads/csdk_assigning_with_registrationState.json");
        assertThat(assigning.registrationState().get().status()).contains(RegistrationStatus.ASSIGNING);
        assertThat(assigning.toString()).contains("ASSIGNING");
        OperationStatus disabled = parse("payloads/csdk_disabled.json");
        assertThat(disabled.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(disabled.operationId()).isEmpty();
        OperationStatus failed = parse("payloads/csdk_failed_400207_custom_allocation.json");
        assertThat(failed.registrationState().get().errorCode()).contains(400207);
    }

    @Test
    void errorPayloadFilesParse() throws Exception {
        ServiceError certificate = Bodies.parseError(Vectors.bytes("payloads/csdk_error_401002_invalid_certificate.json"));
        assertThat(Topics.parseResponse(Vectors.topicOf("payloads/csdk_error_401002_invalid_certificate.json"))
                .status()).isEqualTo(401);
        assertThat(certificate.errorCode()).isEqualTo(401002);
        ServiceError real = Bodies.parseError(Vectors.bytes("payloads/real_dps_error_401000_unauthorized.json"));
        assertThat(Topics.parseResponse(Vectors.topicOf("payloads/real_dps_error_401000_unauthorized.json"))
                .status()).isEqualTo(401);
        assertThat(real.errorCode()).isEqualTo(401000);
        assertThat(real.httpStatus()).isEqualTo(401);
        assertThat(real.message()).contains("Unauthorized");
        assertThat(real.trackingId()).contains("2cb8f317-10f5-44f4-a5a6-380a998146e9");
        assertThat(real.timestampUtc()).contains("2019-11-19T21:39:05.1573304Z");
        assertThat(real.toString()).contains("401000");
        ServiceError javaShape = Bodies.parseError(Vectors.bytes("payloads/javasdk_error_shape.json"));
        assertThat(javaShape.errorCode()).isEqualTo(401);
        assertThat(javaShape.httpStatus()).isEqualTo(401);
        assertThat(javaShape.timestampUtc()).isEmpty();
    }

    @Test
    void realReprovisionedRegistrationStateParses() throws Exception {
        DeviceRegistration state = Bodies
                .parseDeviceRegistration(Vectors.bytes("payloads/real_registrationState_deviceDataMigrated.json"));
        assertThat(state.substatus()).contains("deviceDataMigrated");
        assertThat(state.assignedHub()).contains("test-hub-integration.azure-devices.net");
        assertThat(state.deviceId()).contains("VM-DM-DEV-4");
        assertThat(state.registrationId()).contains("VM-DM-DEV-4");
    }

    @Test
    void kantoAssignedWithoutHubIsAnErrorAndReprovisioningParses() throws Exception {
        assertThatThrownBy(() -> Bodies.parseOperationStatus(
                Vectors.bytes("payloads/kanto_assigned_empty_registrationState.json")))
                .isInstanceOf(DpsProtocolException.class).hasMessageContaining("assignedHub");
        assertThatThrownBy(() -> Bodies.parseOperationStatus(
                Vectors.bytes("payloads/kanto_register_response_assigned_no_state.json")))
                .isInstanceOf(DpsProtocolException.class).hasMessageContaining("assignedHub");
        OperationStatus reprovisioned = Bodies
                .parseOperationStatus(Vectors.bytes("payloads/kanto_assigned_reprovisionedToInitialAssignment.json"));
        assertThat(reprovisioned.registrationState().get().substatus()).contains("reprovisionedToInitialAssignment");
        assertThat(reprovisioned.registrationState().get().assignedHub()).contains("test-iot.azure-devices.net");
    }

    @Test
    void previewRestSpecResponseKeepsTheIssuedChainAndIgnoresUnknownFields() throws Exception {
        JsonNode example = Vectors
                .json("payloads/restspec_2025-07-01-preview_RegisterDeviceAndIssueCertificate_MaximumSet_Gen.json");
        OperationStatus status = Bodies
                .parseOperationStatus(example.at("/responses/200/body").toString().getBytes(StandardCharsets.UTF_8));
        DeviceRegistration state = status.registrationState().get();
        assertThat(status.status()).isEqualTo(RegistrationStatus.UNASSIGNED);
        assertThat(state.issuedCertificateChain()).containsExactly("aXNzdWVkQ2VydGlmaWNhdGVDaGFpbidzIGl0ZW0x");
        assertThat(state.errorCode()).contains(7);
        assertThat(state.payloadJson()).contains("{}");

        JsonNode request = example.at("/parameters/deviceRegistration");
        byte[] body = Bodies.registerRequest(request.get("registrationId").asText(), request.get("payload").toString(),
                request.get("csr").asText());
        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"registrationId\":\"qmldcza\",\"payload\":{},\"csr\":\"yegu\"}");
    }

    @Test
    void registerRequestsMatchTheCSdkBytes() throws Exception {
        String registrationId = CSDK.at("/inputs/registration_id").asText();
        assertThat(new String(Bodies.registerRequest(registrationId, null), StandardCharsets.UTF_8))
                .isEqualTo(CSDK.at("/expected/register_body_no_payload").asText());
        assertThat(new String(Bodies.registerRequest(registrationId,
                CSDK.at("/expected/register_body_with_payload_input").asText()), StandardCharsets.UTF_8))
                .isEqualTo(CSDK.at("/expected/register_body_with_payload").asText());
    }

    @Test
    void registerRequestEscapesTheRegistrationId() throws Exception {
        assertThat(new String(Bodies.registerRequest("a\"b", null), StandardCharsets.UTF_8))
                .isEqualTo("{\"registrationId\":\"a\\\"b\"}");
        assertThatThrownBy(() -> Bodies.registerRequest(null, null)).hasMessageContaining("registrationId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "{\"a\":1} {\"b\":2}", "{\"a\":", "null", "{'a':1}"})
    void customPayloadMustBeOneJsonObject(String payload) {
        assertThatThrownBy(() -> Bodies.registerRequest("r", payload)).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("customPayloadJson");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{}", "[]", "{\"operationId\":\"x\"}", "{\"status\":\"assigned\"}",
            "{\"operationId\":1,\"status\":\"assigning\"}", "{\"operationId\":\"x\",\"status\":\"ASSIGNED\"}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"status\":\"odd\"}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"errorCode\":\"7\"}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"errorCode\":1.5}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"errorCode\":99999999999}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"deviceId\":\"d\"}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"issuedCertificateChain\":\"c\"}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":{\"issuedCertificateChain\":[1]}}",
            "{\"operationId\":\"x\",\"status\":\"assigning\",\"registrationState\":[]}",
            "{\"operationId\":\"x\",\"status\":\"assigned\",\"registrationState\":null}",
            "\u00ff\u00fe", "{\"operationId\":\"x\",\"status\":\"assigning\"}}"})
    void malformedOperationStatusRaisesTheCoreException(String body) {
        assertThatThrownBy(() -> Bodies.parseOperationStatus(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DpsProtocolException.class);
    }

    @Test
    void nullBodiesRaiseTheCoreException() {
        assertThatThrownBy(() -> Bodies.parseOperationStatus(null)).isInstanceOf(DpsProtocolException.class);
        assertThatThrownBy(() -> Bodies.parseError(null)).isInstanceOf(DpsProtocolException.class);
        assertThatThrownBy(() -> Bodies.parseOperationStatus(new byte[] {(byte) 0xC3, (byte) 0x28}))
                .isInstanceOf(DpsProtocolException.class);
    }

    @Test
    void returnedPayloadIsKeptVerbatimWhateverItsType() throws Exception {
        assertThat(payloadOf(" [1, 2.50, \"\\u00e9\"] ")).isEqualTo("[1, 2.50, \"\\u00e9\"]");
        assertThat(payloadOf("\"text\"")).isEqualTo("\"text\"");
        assertThat(payloadOf("1.0e3")).isEqualTo("1.0e3");
        assertThat(payloadOf("{ \"k\" : { } }")).isEqualTo("{ \"k\" : { } }");
        String duplicated = "{\"operationId\":\"o\",\"status\":\"assigning\",\"registrationState\":{\"payload\":1},"
                + "\"registrationState\":{\"payload\":{ \"last\": true }}}";
        assertThat(Bodies.parseOperationStatus(duplicated.getBytes(StandardCharsets.UTF_8)).registrationState().get()
                .payloadJson()).contains("{ \"last\": true }");
        byte[] utf16 = "{\"payload\": {\"a\" : 1}}".getBytes(StandardCharsets.UTF_16);
        assertThat(Bodies.parseDeviceRegistration(utf16).payloadJson()).contains("{\"a\":1}");
        assertThat(Bodies.parseDeviceRegistration("{\"payload\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8))
                .payloadJson()).contains("{\"a\":1}");
    }

    private static String payloadOf(String payload) throws Exception {
        String body = "{\"operationId\":\"o\",\"status\":\"assigning\",\"registrationState\":{\"x\":[{}],\"payload\":"
                + payload + ",\"etag\":\"e\"}}";
        return Bodies.parseOperationStatus(body.getBytes(StandardCharsets.UTF_8)).registrationState().get()
                .payloadJson().get();
    }

    @Test
    void unknownFieldsAndNullsAreIgnored() throws Exception {
        OperationStatus status = Bodies.parseOperationStatus(("{\"operationId\":\"op\",\"status\":\"assigning\","
                + "\"extra\":{\"deep\":[1]},\"registrationState\":{\"registrationId\":null,\"symmetricKey\":{},"
                + "\"payload\":null,\"errorCode\":null,\"issuedCertificateChain\":null,\"future\":true}}")
                .getBytes(StandardCharsets.UTF_8));
        DeviceRegistration state = status.registrationState().get();
        assertThat(state.registrationId()).isEmpty();
        assertThat(state.payloadJson()).isEmpty();
        assertThat(state.errorCode()).isEmpty();
        assertThat(state.issuedCertificateChain()).isEmpty();
    }

    private static OperationStatus parse(String payloadFile) throws Exception {
        assertThat(Topics.parseResponse(Vectors.topicOf(payloadFile)).isSuccess()).isTrue();
        return Bodies.parseOperationStatus(Vectors.bytes(payloadFile));
    }
}
