package io.kuradps.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Reads the enrollment JSON format documented in simulator/README.md, naming the field at fault. */
final class EnrollmentFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP_FIELDS = Set.of("idScope", "enrollments");
    private static final Set<String> ENROLLMENT_FIELDS = Set.of("registrationId", "enrollmentGroupId",
            "symmetricKey", "x509", "enabled", "provisioningStatus", "deviceId", "iotHubs", "allocationPolicy",
            "customAllocation", "reprovisionPolicy", "substatus", "certificateIssuance",
            "certificateValidityDays");

    private EnrollmentFile() {
    }

    static Enrollments read(Path file, Function<String, Enrollments> factory) throws IOException {
        try {
            return parse(Files.readString(file), factory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static Enrollments parse(String json, Function<String, Enrollments> factory) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("enrollment file is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("enrollment file must hold a JSON object");
        }
        rejectUnknown(root, TOP_FIELDS, "enrollment file");
        String idScope = optionalText(root, "idScope", "enrollment file");
        Enrollments enrollments = factory.apply(idScope);
        JsonNode list = root.path("enrollments");
        if (!list.isArray()) {
            throw new IllegalArgumentException("enrollment file needs an array 'enrollments'");
        }
        for (int i = 0; i < list.size(); i++) {
            enrollments.put(enrollment(list.get(i), "enrollments[" + i + "]"));
        }
        return enrollments;
    }

    private static Enrollment enrollment(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        rejectUnknown(node, ENROLLMENT_FIELDS, where);
        String registrationId = optionalText(node, "registrationId", where);
        String groupId = optionalText(node, "enrollmentGroupId", where);
        if ((registrationId == null) == (groupId == null)) {
            throw new IllegalArgumentException(where + " needs exactly one of registrationId (individual) or "
                    + "enrollmentGroupId (group)");
        }
        String name = registrationId != null ? registrationId : groupId;
        String here = where + " (" + name + ")";
        Enrollment enrollment;
        try {
            Attestation attestation = attestation(node, registrationId != null, here);
            enrollment = registrationId != null ? Enrollment.individual(registrationId, attestation)
                    : Enrollment.group(groupId, attestation);
            enrollment = withOptions(enrollment, node, here);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(here + ": " + e.getMessage(), e);
        }
        return enrollment;
    }

    private static Attestation attestation(JsonNode node, boolean individual, String where) {
        JsonNode symmetric = node.get("symmetricKey");
        JsonNode x509 = node.get("x509");
        if ((symmetric == null) == (x509 == null)) {
            throw new IllegalArgumentException(where + " needs exactly one attestation: symmetricKey or x509");
        }
        if (symmetric != null) {
            rejectUnknown(symmetric, Set.of("primaryKey", "secondaryKey"), where + ".symmetricKey");
            String primary = optionalText(symmetric, "primaryKey", where + ".symmetricKey");
            if (primary == null) {
                throw new IllegalArgumentException(where + ".symmetricKey.primaryKey is missing");
            }
            return Attestation.symmetricKey(primary,
                    optionalText(symmetric, "secondaryKey", where + ".symmetricKey"));
        }
        String field = individual ? "certificate" : "caCertificate";
        rejectUnknown(x509, Set.of(field), where + ".x509");
        String pem = optionalText(x509, field, where + ".x509");
        if (pem == null || "simulator".equals(pem)) {
            return Attestation.x509BySimulatorCa();
        }
        try {
            Pem.certificates(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".x509." + field + ": " + e.getMessage(), e);
        }
        return Attestation.x509(pem);
    }

    private static Enrollment withOptions(Enrollment start, JsonNode node, String where) {
        Enrollment e = start;
        if (node.has("enabled")) {
            if (!node.get("enabled").isBoolean()) {
                throw new IllegalArgumentException(where + ".enabled must be true or false");
            }
            e = e.withEnabled(node.get("enabled").booleanValue());
        }
        String status = optionalText(node, "provisioningStatus", where);
        if (status != null) {
            if (!status.equals("enabled") && !status.equals("disabled")) {
                throw new IllegalArgumentException(where + ".provisioningStatus must be enabled or disabled");
            }
            e = e.withEnabled(status.equals("enabled"));
        }
        String deviceId = optionalText(node, "deviceId", where);
        if (deviceId != null) {
            e = e.withDeviceId(deviceId);
        }
        if (node.has("iotHubs")) {
            e = e.withIotHubs(hubs(node.get("iotHubs"), where));
        }
        String policy = optionalText(node, "allocationPolicy", where);
        if (node.has("customAllocation")) {
            JsonNode custom = node.get("customAllocation");
            rejectUnknown(custom, Set.of("payload"), where + ".customAllocation");
            JsonNode payload = custom.get("payload");
            if (payload != null && !payload.isObject()) {
                throw new IllegalArgumentException(where + ".customAllocation.payload must be an object");
            }
            e = e.withCustomAllocation(new EchoingCustomAllocation(payload == null ? null : payload.toString()));
        }
        if (policy != null) {
            AllocationPolicy parsed = AllocationPolicy.parse(policy);
            if (parsed == AllocationPolicy.CUSTOM && e.customAllocation() == null) {
                e = e.withCustomAllocation(new EchoingCustomAllocation(null));
            }
            e = e.withAllocationPolicy(parsed);
        }
        if (node.has("reprovisionPolicy")) {
            JsonNode re = node.get("reprovisionPolicy");
            rejectUnknown(re, Set.of("updateHubAssignment", "migrateDeviceData"), where + ".reprovisionPolicy");
            e = e.withReprovisioning(re.path("updateHubAssignment").asBoolean(true),
                    re.path("migrateDeviceData").asBoolean(true));
        }
        String substatus = optionalText(node, "substatus", where);
        if (substatus != null) {
            e = e.withSubstatus(Enrollment.Substatus.parse(substatus));
        }
        if (node.has("certificateIssuance")) {
            if (!node.get("certificateIssuance").isBoolean()) {
                throw new IllegalArgumentException(where + ".certificateIssuance must be true or false");
            }
            e = e.withCertificateIssuance(node.get("certificateIssuance").booleanValue());
        }
        if (node.has("certificateValidityDays")) {
            JsonNode days = node.get("certificateValidityDays");
            if (!days.canConvertToInt() || !days.isIntegralNumber()) {
                throw new IllegalArgumentException(where + ".certificateValidityDays must be a whole number of days");
            }
            if (!e.issuesCertificates()) {
                throw new IllegalArgumentException(where + ".certificateValidityDays needs certificateIssuance: true");
            }
            try {
                e = e.withCertificateValidityDays(days.intValue());
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException(where + "." + invalid.getMessage(), invalid);
            }
        }
        return e;
    }

    private static List<String> hubs(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ".iotHubs must be an array of host names");
        }
        List<String> hubs = new ArrayList<>();
        for (JsonNode hub : node) {
            if (!hub.isTextual() || hub.asText().isBlank()) {
                throw new IllegalArgumentException(where + ".iotHubs must hold host names");
            }
            hubs.add(hub.asText());
        }
        return hubs;
    }

    private static String optionalText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + " must be a string");
        }
        return value.asText();
    }

    private static void rejectUnknown(JsonNode node, Set<String> known, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(where + " has unknown field '" + name + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
