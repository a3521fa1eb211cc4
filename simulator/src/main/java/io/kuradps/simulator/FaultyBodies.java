package io.kuradps.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The broken answers that faults ask for. */
final class FaultyBodies {

    private FaultyBodies() {
    }

    /** Cuts the JSON in half, so that no parser accepts it. */
    static byte[] malformed(byte[] body) {
        byte[] half = Arrays.copyOf(body, Math.max(1, body.length / 2));
        byte[] result = Arrays.copyOf(half, half.length + 2);
        result[half.length] = ',';
        result[half.length + 1] = '"';
        return result;
    }

    /** Adds a padding field before the closing brace so that the body is valid JSON of at least n bytes. */
    static byte[] padded(byte[] body, int bytes) {
        String json = new String(body, StandardCharsets.UTF_8);
        int close = json.lastIndexOf('}');
        String filler = ",\"padding\":\"\"";
        int missing = Math.max(0, bytes - body.length - filler.length());
        String padded = json.substring(0, close) + ",\"padding\":\"" + "x".repeat(missing) + "\""
                + json.substring(close);
        return padded.getBytes(StandardCharsets.UTF_8);
    }

    /** Another request id of the same style: numbers stay numbers. */
    static String otherRequestId(String requestId) {
        try {
            return Long.toString(Long.parseLong(requestId) + 1000);
        } catch (NumberFormatException e) {
            return requestId + "-other";
        }
    }
}
