package io.kuradps.provisioning.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/** Request and response bodies as JSON. Parsing accepts any bytes and only ever throws DpsProtocolException. */
public final class Bodies {

    private Bodies() {
    }

    /** {@code {"registrationId":"...","payload":{...}}}; the payload (a JSON object, or null) is sent verbatim. */
    public static byte[] registerRequest(String registrationId, String customPayloadJson)
            throws DpsProtocolException {
        return registerRequest(registrationId, customPayloadJson, null);
    }

    /** As above, plus {@code "csr"} (base64 DER PKCS#10) for api-versions that issue certificates. */
    public static byte[] registerRequest(String registrationId, String customPayloadJson,
            String certificateSigningRequest) throws DpsProtocolException {
        if (registrationId == null) {
            throw new DpsProtocolException(DpsProtocolException.Field.REGISTRATION_ID, "missing");
        }
        if (customPayloadJson != null) {
            requireJsonObject(customPayloadJson, DpsProtocolException.Field.CUSTOM_PAYLOAD);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JsonTree.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("registrationId", registrationId);
            if (customPayloadJson != null) {
                json.writeFieldName("payload");
                json.writeRawValue(customPayloadJson.trim());
            }
            if (certificateSigningRequest != null) {
                json.writeStringField("csr", certificateSigningRequest);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    public static OperationStatus parseOperationStatus(byte[] body) throws DpsProtocolException {
        Map<?, ?> root = readObject(body, "operation status");
        String operationId = requiredText(root, "operationId", "operation status");
        RegistrationStatus status = RegistrationStatus.fromJson(requiredText(root, "status", "operation status"),
                "operation status");
        Object state = root.get("registrationState");
        DeviceRegistration registration = null;
        if (state != null && state != JsonTree.NULL) {
            if (!(state instanceof Map)) {
                throw new DpsProtocolException("registrationState: expected a JSON object, got "
                        + JsonTree.kind(state));
            }
            registration = deviceRegistration((Map<?, ?>) state, body, "registrationState", "payload");
        }
        if (status == RegistrationStatus.ASSIGNED
                && (registration == null || !registration.assignedHub().isPresent())) {
            throw new DpsProtocolException("registrationState: status is assigned but assignedHub and deviceId"
                    + " are missing, so there is no hub to connect to");
        }
        return new OperationStatus(operationId, status, registration);
    }

    /** Parses a bare DeviceRegistrationResult, e.g. one cached or returned by a service API. */
    public static DeviceRegistration parseDeviceRegistration(byte[] body) throws DpsProtocolException {
        return deviceRegistration(readObject(body, "registrationState"), body, "payload");
    }

    public static ServiceError parseError(byte[] body) throws DpsProtocolException {
        Map<?, ?> root = readObject(body, "error");
        Integer code = JsonTree.intValue(root.get("errorCode"));
        if (code == null) {
            throw new DpsProtocolException("error errorCode: missing or not an integer");
        }
        return new ServiceError(code, optionalText(root, "trackingId", "error"),
                optionalText(root, "message", "error"), optionalText(root, "timestampUtc", "error"));
    }

    /** A configured JSON value; a problem is reported as one of {@code field}. */
    static void requireJsonObject(String json, DpsProtocolException.Field field) throws DpsProtocolException {
        readObject(json.getBytes(StandardCharsets.UTF_8), field.settingName(), field);
    }

    private static DeviceRegistration deviceRegistration(Map<?, ?> state, byte[] body, String... payloadPath)
            throws DpsProtocolException {
        String context = "registrationState";
        String assignedHub = optionalText(state, "assignedHub", context);
        String deviceId = optionalText(state, "deviceId", context);
        if ((assignedHub == null) != (deviceId == null)) {
            throw new DpsProtocolException("registrationState: assignedHub and deviceId must come together, got only "
                    + (assignedHub == null ? "deviceId" : "assignedHub"));
        }
        String status = optionalText(state, "status", context);
        Object errorCode = state.get("errorCode");
        Integer code = null;
        if (errorCode != null && errorCode != JsonTree.NULL) {
            code = JsonTree.intValue(errorCode);
            if (code == null) {
                throw new DpsProtocolException("registrationState errorCode: not an integer");
            }
        }
        Object payload = state.get("payload");
        return DeviceRegistration.builder()
                .registrationId(optionalText(state, "registrationId", context))
                .assignedHub(assignedHub)
                .deviceId(deviceId)
                .status(status == null ? null : RegistrationStatus.fromJson(status, "registrationState status"))
                .substatus(optionalText(state, "substatus", context))
                .createdDateTimeUtc(optionalText(state, "createdDateTimeUtc", context))
                .lastUpdatedDateTimeUtc(optionalText(state, "lastUpdatedDateTimeUtc", context))
                .etag(optionalText(state, "etag", context))
                .errorCode(code)
                .errorMessage(optionalText(state, "errorMessage", context))
                .payloadJson(payload == null || payload == JsonTree.NULL ? null : rawText(body, payload, payloadPath))
                .issuedCertificateChain(certificateChain(state.get("issuedCertificateChain")))
                .build();
    }

    /**
     * The value at {@code path} exactly as sent (whitespace and number formats kept), so a returned custom
     * payload reaches its consumer unchanged; a rendering of the value when the span cannot be located reliably.
     */
    private static String rawText(byte[] body, Object value, String... path) {
        try (JsonParser parser = JsonTree.FACTORY.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                String raw = findRaw(parser, body, path, 0);
                if (raw != null && value.equals(JsonTree.parse(raw.getBytes(StandardCharsets.UTF_8)))) {
                    return raw;
                }
            }
        } catch (IOException e) {
            // Already parsed once as a tree; falling back to its rendering loses only formatting.
        }
        return JsonTree.render(value);
    }

    /** With the parser on an object's START_OBJECT: the raw text of the last value at path[depth..], or null. */
    private static String findRaw(JsonParser parser, byte[] body, String[] path, int depth) throws IOException {
        String found = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean onPath = path[depth].equals(parser.currentName());
            JsonToken token = parser.nextToken();
            if (onPath && depth == path.length - 1) {
                long start = parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                parser.finishToken();
                long end = parser.currentLocation().getByteOffset();
                found = start >= 0 && end > start && end <= body.length
                        ? new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8) : null;
            } else if (onPath && token == JsonToken.START_OBJECT) {
                found = findRaw(parser, body, path, depth + 1);
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    private static List<String> certificateChain(Object chain) throws DpsProtocolException {
        if (chain == null || chain == JsonTree.NULL) {
            return Collections.emptyList();
        }
        if (!(chain instanceof List)) {
            throw new DpsProtocolException("registrationState issuedCertificateChain: expected an array");
        }
        List<String> certificates = new ArrayList<>();
        for (Object certificate : (List<?>) chain) {
            if (!(certificate instanceof String)) {
                throw new DpsProtocolException("registrationState issuedCertificateChain: expected base64 strings");
            }
            certificates.add((String) certificate);
        }
        return certificates;
    }

    private static Map<?, ?> readObject(byte[] body, String what) throws DpsProtocolException {
        return readObject(body, what, null);
    }

    /** @param field the configured value {@code body} comes from, or null when DPS sent it */
    private static Map<?, ?> readObject(byte[] body, String what, DpsProtocolException.Field field)
            throws DpsProtocolException {
        if (body == null) {
            throw invalid(what, field, "no body", null);
        }
        Object root;
        try {
            root = JsonTree.parse(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw invalid(what, field, "not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw invalid(what, field, "unreadable JSON", e);
        }
        if (!(root instanceof Map)) {
            throw invalid(what, field, "expected a JSON object, got " + (root == null ? "nothing" : JsonTree.kind(root)),
                    null);
        }
        return (Map<?, ?>) root;
    }

    private static DpsProtocolException invalid(String what, DpsProtocolException.Field field, String problem,
            Throwable cause) {
        return field == null ? new DpsProtocolException(what + ": " + problem, cause)
                : new DpsProtocolException(field, problem, cause);
    }

    private static String requiredText(Map<?, ?> node, String field, String context) throws DpsProtocolException {
        String value = optionalText(node, field, context);
        if (value == null) {
            throw new DpsProtocolException(context + " " + field + ": missing");
        }
        return value;
    }

    private static String optionalText(Map<?, ?> node, String field, String context) throws DpsProtocolException {
        Object value = node.get(field);
        if (value == null || value == JsonTree.NULL) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new DpsProtocolException(context + " " + field + ": expected a string, got " + JsonTree.kind(value));
        }
        return (String) value;
    }
}
