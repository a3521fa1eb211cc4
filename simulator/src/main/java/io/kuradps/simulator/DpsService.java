package io.kuradps.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registration logic of DPS, free of networking: register and poll requests in, answers out.
 * Operations complete after a number of polls and/or a delay on the injected clock; the device registry
 * remembers assignments so that re-registrations get the right substatus.
 */
final class DpsService {

    static final String CSR_API_VERSION = "2025-07-01-preview";
    static final Set<String> API_VERSIONS = Set.of("2019-03-31", "2021-06-01", "2021-10-01", CSR_API_VERSION);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final int pollsBeforeAssignment;
    private final Duration assignmentDelay;
    private final int retryAfterSeconds;
    private final TokenBucket throttle;
    private final CertificateAuthority authority;
    private final HubRegistry hubRegistry;
    private final Duration issuedCertificateValidity;
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    DpsService(Clock clock, int pollsBeforeAssignment, Duration assignmentDelay, int retryAfterSeconds,
            TokenBucket throttle, CertificateAuthority authority, HubRegistry hubRegistry,
            Duration issuedCertificateValidity) {
        this.authority = authority;
        this.issuedCertificateValidity = issuedCertificateValidity;
        this.hubRegistry = hubRegistry;
        this.clock = clock;
        this.pollsBeforeAssignment = pollsBeforeAssignment;
        this.assignmentDelay = assignmentDelay;
        this.retryAfterSeconds = retryAfterSeconds;
        this.throttle = throttle;
    }

    Answer register(DeviceCredentials device, Authentication authentication, byte[] body, Fault.Outcome forced) {
        if (!authentication.succeeded()) {
            return unauthorized(authentication);
        }
        if (!API_VERSIONS.contains(device.apiVersion())) {
            return error(400, 400001, "api-version " + device.apiVersion() + " is not supported");
        }
        JsonNode request;
        try {
            request = DpsJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return error(400, 400004, "The request body is not valid JSON.");
        }
        if (request == null || !request.isObject()) {
            return error(400, 400004, "The request body must be a JSON object.");
        }
        JsonNode bodyId = request.get("registrationId");
        if (bodyId != null && !device.registrationId().equals(bodyId.asText())) {
            return error(400, 400000, "registrationId in the body does not match the connection's.");
        }
        X509Certificate issued = null;
        JsonNode csr = request.get("csr");
        if (csr != null && !csr.isNull()) {
            if (!CSR_API_VERSION.equals(device.apiVersion())) {
                return error(400, 400000, "csr needs api-version " + CSR_API_VERSION + ".");
            }
            if (!authentication.enrollment().issuesCertificates()) {
                return error(400, 400000, "csr sent, but the enrollment has no credential policy to issue"
                        + " certificates with.");
            }
            try {
                Integer policyDays = authentication.enrollment().certificateValidityDays();
                issued = authority.issueFromCertificateRequest(Base64.getDecoder().decode(csr.asText()),
                        device.registrationId(),
                        policyDays != null ? Duration.ofDays(policyDays) : issuedCertificateValidity);
            } catch (IllegalArgumentException e) {
                return error(400, 400000, "Invalid csr: " + e.getMessage());
            }
        }
        if (throttle != null) {
            int wait = throttle.tryAcquire();
            if (wait > 0) {
                return new Answer(429, wait, DpsJson.bytes(DpsJson.errorBody(429001, "Operations are being "
                        + "throttled for this tenant.", clock.instant())));
            }
        }
        Enrollment enrollment = authentication.enrollment();
        if (!enrollment.enabled() || (forced != null && forced.status().equals("disabled"))) {
            return disabled(device.registrationId(), "");
        }
        JsonNode payload = request.get("payload");
        Operation operation = new Operation(newOperationId(), device.registrationId(), enrollment, clock.instant(),
                payload == null || payload.isNull() ? null : payload.toString(), forced, issued);
        operations.put(operation.id, operation);
        if (pollsBeforeAssignment == 0 && isDue(operation)) {
            return complete(operation, null);
        }
        ObjectNode assigning = DpsJson.MAPPER.createObjectNode();
        assigning.put("operationId", operation.id);
        assigning.put("status", "assigning");
        return new Answer(202, retryAfterSeconds, DpsJson.bytes(assigning));
    }

    Answer poll(DeviceCredentials device, Authentication authentication, String operationId, Fault.Outcome forced) {
        if (!authentication.succeeded()) {
            return unauthorized(authentication);
        }
        Operation operation = operationId == null ? null : operations.get(operationId);
        if (operation == null || !operation.registrationId.equals(device.registrationId())) {
            return error(404, 404001, "Operation " + operationId + " not found.");
        }
        synchronized (operation) {
            if (operation.result != null) {
                return operation.result;
            }
            if (forced != null) {
                return forced.status().equals("disabled") ? disabled(operation.registrationId, operation.id)
                        : complete(operation, forced);
            }
            operation.polls++;
            if (operation.polls >= pollsBeforeAssignment && isDue(operation)) {
                return complete(operation, null);
            }
        }
        ObjectNode assigning = DpsJson.MAPPER.createObjectNode();
        assigning.put("operationId", operation.id);
        assigning.put("status", "assigning");
        ObjectNode state = assigning.putObject("registrationState");
        state.put("registrationId", operation.registrationId);
        state.put("status", "assigning");
        return new Answer(202, retryAfterSeconds, DpsJson.bytes(assigning));
    }

    /** The hub and device id DPS has on record for a registration id, if it was ever assigned. */
    DeviceRecord device(String registrationId) {
        return devices.get(registrationId);
    }

    private boolean isDue(Operation operation) {
        return !clock.instant().isBefore(operation.created.plus(assignmentDelay));
    }

    private Answer complete(Operation operation, Fault.Outcome forced) {
        Fault.Outcome outcome = forced != null ? forced : operation.forced;
        Answer answer;
        if (outcome != null && outcome.status().equals("disabled")) {
            answer = disabled(operation.registrationId, operation.id);
        } else if (outcome != null) {
            answer = failed(operation, outcome.errorCode(), outcome.errorMessage());
        } else {
            answer = assign(operation);
        }
        operation.result = answer;
        return answer;
    }

    private Answer assign(Operation operation) {
        Enrollment enrollment = operation.enrollment;
        if (enrollment.iotHubs().isEmpty()) {
            return failed(operation, 400208, "No IoT hub is linked to the enrollment.");
        }
        String registrationId = operation.registrationId;
        String hub;
        String deviceId = enrollment.deviceId() != null ? enrollment.deviceId() : registrationId;
        String returnedPayload = null;
        DeviceRecord previous = devices.get(registrationId);
        switch (enrollment.allocationPolicy()) {
            case ROUND_ROBIN -> hub = enrollment.iotHubs().get(Math.floorMod(
                    roundRobin.computeIfAbsent(enrollment.id(), id -> new AtomicInteger()).getAndIncrement(),
                    enrollment.iotHubs().size()));
            case HASHED -> hub = enrollment.iotHubs().get(stableHash(registrationId, enrollment.iotHubs().size()));
            case CUSTOM -> {
                CustomAllocation.Decision decision;
                try {
                    decision = enrollment.customAllocation().allocate(registrationId, operation.requestPayload,
                            enrollment.iotHubs());
                } catch (CustomAllocation.CustomAllocationFailure e) {
                    return failed(operation, 400207, e.getMessage());
                }
                if (decision == null || decision.hub() == null) {
                    return failed(operation, 400207, "Custom allocation failed: no hub returned.");
                }
                hub = decision.hub();
                deviceId = decision.deviceId() != null ? decision.deviceId() : deviceId;
                returnedPayload = decision.payloadJson();
            }
            default -> hub = enrollment.iotHubs().get(0);
        }
        if (previous != null && !enrollment.updateHubAssignment()) {
            hub = previous.hub();
        }
        Enrollment.Substatus substatus = substatus(enrollment, previous, hub);
        Instant now = clock.instant();
        DeviceRecord record = new DeviceRecord(hub, deviceId, previous == null ? hub : previous.initialHub(),
                previous == null ? operation.created : previous.created(), substatus);
        devices.put(registrationId, record);
        hubRegistry.assigned(hub, deviceId, registrationId, enrollment, operation.issued != null);

        ObjectNode body = DpsJson.MAPPER.createObjectNode();
        body.put("operationId", operation.id);
        body.put("status", "assigned");
        ObjectNode state = body.putObject("registrationState");
        attestation(state, enrollment);
        state.put("registrationId", registrationId);
        state.put("createdDateTimeUtc", DpsJson.timestamp(record.created()));
        state.put("assignedHub", hub);
        state.put("deviceId", deviceId);
        state.put("status", "assigned");
        state.put("substatus", substatus.wireName());
        state.put("lastUpdatedDateTimeUtc", DpsJson.timestamp(now));
        state.put("etag", DpsJson.newEtag());
        if (operation.issued != null) {
            ArrayNode chain = state.putArray("issuedCertificateChain");
            try {
                chain.add(Base64.getEncoder().encodeToString(operation.issued.getEncoded()));
                chain.add(Base64.getEncoder().encodeToString(authority.certificate().getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode the issued certificate", e);
            }
        }
        if (returnedPayload != null) {
            try {
                state.set("payload", DpsJson.MAPPER.readTree(returnedPayload));
            } catch (JsonProcessingException e) {
                return failed(operation, 400207, "Custom allocation returned a payload that is not JSON.");
            }
        }
        return new Answer(200, null, DpsJson.bytes(body));
    }

    private static Enrollment.Substatus substatus(Enrollment enrollment, DeviceRecord previous, String hub) {
        if (enrollment.substatus() != null) {
            return enrollment.substatus();
        }
        if (previous == null) {
            return Enrollment.Substatus.INITIAL_ASSIGNMENT;
        }
        if (hub.equals(previous.hub())) {
            return previous.substatus();
        }
        if (hub.equals(previous.initialHub())) {
            return Enrollment.Substatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT;
        }
        return enrollment.migrateDeviceData() ? Enrollment.Substatus.DEVICE_DATA_MIGRATED
                : Enrollment.Substatus.DEVICE_DATA_RESET;
    }

    private static void attestation(ObjectNode state, Enrollment enrollment) {
        ObjectNode node = state.putObject(
                enrollment.attestation().type() == Attestation.Type.X509 ? "x509" : "symmetricKey");
        if (enrollment.kind() == Enrollment.Kind.GROUP) {
            node.put("enrollmentGroupId", enrollment.id());
        }
    }

    private Answer failed(Operation operation, int errorCode, String message) {
        ObjectNode body = DpsJson.MAPPER.createObjectNode();
        body.put("operationId", operation.id);
        body.put("status", "failed");
        ObjectNode state = body.putObject("registrationState");
        state.put("registrationId", operation.registrationId);
        state.put("createdDateTimeUtc", DpsJson.timestamp(operation.created));
        state.put("status", "failed");
        state.put("errorCode", errorCode);
        state.put("errorMessage", message);
        state.put("lastUpdatedDateTimeUtc", DpsJson.timestamp(clock.instant()));
        state.put("etag", DpsJson.newEtag());
        return new Answer(200, null, DpsJson.bytes(body));
    }

    private static Answer disabled(String registrationId, String operationId) {
        ObjectNode body = DpsJson.MAPPER.createObjectNode();
        body.put("operationId", operationId);
        body.put("status", "disabled");
        ObjectNode state = body.putObject("registrationState");
        state.put("registrationId", registrationId);
        state.put("status", "disabled");
        return new Answer(200, null, DpsJson.bytes(body));
    }

    private Answer unauthorized(Authentication authentication) {
        return error(401, authentication.errorCode(),
                authentication.errorCode() == Authenticator.INVALID_CERTIFICATE ? "Invalid certificate."
                        : "Unauthorized");
    }

    Answer error(int status, int errorCode, String message) {
        return new Answer(status, null, DpsJson.bytes(DpsJson.errorBody(errorCode, message, clock.instant())));
    }

    private static String newOperationId() {
        return "4." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + "." + UUID.randomUUID();
    }

    private static int stableHash(String registrationId, int buckets) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(registrationId.getBytes(StandardCharsets.UTF_8));
            int value = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8)
                    | (digest[3] & 0xff);
            return Math.floorMod(value, buckets);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A registration operation between register and its terminal answer. Guarded by its own monitor. */
    private static final class Operation {
        private final String id;
        private final String registrationId;
        private final Enrollment enrollment;
        private final Instant created;
        private final String requestPayload;
        private final Fault.Outcome forced;
        private final X509Certificate issued;
        private int polls;
        private Answer result;

        private Operation(String id, String registrationId, Enrollment enrollment, Instant created,
                String requestPayload, Fault.Outcome forced, X509Certificate issued) {
            this.issued = issued;
            this.id = id;
            this.registrationId = registrationId;
            this.enrollment = enrollment;
            this.created = created;
            this.requestPayload = requestPayload;
            this.forced = forced;
        }
    }

    /** What DPS remembers of an assigned device. */
    record DeviceRecord(String hub, String deviceId, String initialHub, Instant created,
            Enrollment.Substatus substatus) {
    }
}
