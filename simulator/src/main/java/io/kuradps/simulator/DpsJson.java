package io.kuradps.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/** DPS's JSON conventions: timestamps with seven fraction digits, base64 etags, the error body. */
final class DpsJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private DpsJson() {
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** Like DPS's: base64 of a quoted GUID. */
    static String newEtag() {
        return Base64.getEncoder().encodeToString(("\"" + UUID.randomUUID() + "\"").getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode errorBody(int errorCode, String message, Instant now) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("errorCode", errorCode);
        body.put("trackingId", UUID.randomUUID().toString());
        body.put("message", message);
        body.put("timestampUtc", timestamp(now));
        return body;
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an answer", e);
        }
    }
}
