package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What a response topic says: the HTTP-like status, which request it answers, and how long to wait. */
public final class ResponseTopic {

    private final int status;
    private final String rid;
    private final Duration retryAfter;
    private final Map<String, String> parameters;

    ResponseTopic(int status, String rid, Duration retryAfter, Map<String, String> parameters) {
        this.status = status;
        this.rid = rid;
        this.retryAfter = retryAfter;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public int status() {
        return status;
    }

    /** The decoded {@code $rid} of the request this answers. */
    public String rid() {
        return rid;
    }

    /** The server's retry-after exactly as sent (not clamped), if it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Every parameter, decoded, in the order received (names as sent, e.g. {@code $rid}). */
    public Map<String, String> parameters() {
        return parameters;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
        return "ResponseTopic[status=" + status + ", rid=" + rid + ", retryAfter=" + retryAfter + ", parameters="
                + parameters + "]";
    }
}
