package io.kuradps.provisioning.protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The only topics DPS knows: one subscription filter, two request topics and the response topics. */
public final class Topics {

    /** DPS accepts no other subscription. */
    public static final String SUBSCRIBE_FILTER = "$dps/registrations/res/#";

    static final String RESPONSE_PREFIX = "$dps/registrations/res/";
    static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/?$rid=";
    static final String POLL_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=";
    static final String RID = "$rid";
    static final String RETRY_AFTER = "retry-after";

    private static final Pattern STATUS = Pattern.compile("[1-5][0-9]{2}");
    /** Nine digits is over 31 years: anything longer is garbage, not a wait. */
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}");

    private Topics() {
    }

    public static String register(String rid) {
        return REGISTER_PREFIX + UrlEncoding.encode(rid);
    }

    public static String poll(String rid, String operationId) {
        return POLL_PREFIX + UrlEncoding.encode(rid) + "&operationId=" + UrlEncoding.encode(operationId);
    }

    /**
     * Parses {@code $dps/registrations/res/{status}/?{parameters}}. Parameters may come in any order; values
     * are percent-decoded, and a {@code +} stays a plus. {@code $rid} is required, {@code retry-after} optional,
     * other parameters are kept. A key given twice (also as {@code rid} next to {@code $rid}) is an error.
     */
    public static ResponseTopic parseResponse(String topic) throws DpsProtocolException {
        if (topic == null || !topic.startsWith(RESPONSE_PREFIX)) {
            throw new DpsProtocolException("topic: not a DPS response topic (expected " + RESPONSE_PREFIX
                    + "{status}/?$rid=...)");
        }
        String rest = topic.substring(RESPONSE_PREFIX.length());
        int queryStart = rest.indexOf("/?");
        if (queryStart < 0) {
            throw new DpsProtocolException("topic: no '/?' parameters after the status");
        }
        String status = rest.substring(0, queryStart);
        if (!STATUS.matcher(status).matches()) {
            throw new DpsProtocolException("topic status: '" + status + "' is not an HTTP status code");
        }
        Map<String, String> parameters = parseParameters(rest.substring(queryStart + 2));
        String rid = parameters.get(RID);
        if (rid == null || rid.isEmpty()) {
            throw new DpsProtocolException("topic: no $rid, so the response matches no request");
        }
        String retryAfter = parameters.get(RETRY_AFTER);
        Duration retryAfterDuration = null;
        if (retryAfter != null) {
            if (!SECONDS.matcher(retryAfter).matches()) {
                throw new DpsProtocolException("topic retry-after: '" + retryAfter + "' is not a number of seconds");
            }
            retryAfterDuration = Duration.ofSeconds(Long.parseLong(retryAfter));
        }
        return new ResponseTopic(Integer.parseInt(status), rid, retryAfterDuration, parameters);
    }

    private static Map<String, String> parseParameters(String query) throws DpsProtocolException {
        Map<String, String> parameters = new LinkedHashMap<>();
        Map<String, String> seenNames = new LinkedHashMap<>();
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new DpsProtocolException("topic parameter: '" + pair + "' is not name=value");
            }
            String name = pair.substring(0, equals);
            String bareName = name.startsWith("$") ? name.substring(1) : name;
            String earlier = seenNames.put(bareName, name);
            if (earlier != null) {
                throw new DpsProtocolException("topic parameter: '" + name + "' repeats '" + earlier + "'");
            }
            try {
                parameters.put(name, UrlEncoding.decode(pair.substring(equals + 1), "topic parameter " + name));
            } catch (IllegalArgumentException e) {
                throw new DpsProtocolException(e.getMessage(), e);
            }
        }
        return parameters;
    }
}
