package io.kuradps.provisioning.iothub;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.device.DeviceTwin;

/**
 * The rule for Kura configuration carried in the desired properties, as a pure decision: under
 * {@code desired.kuraConfiguration}, each member is a PID written as a twin key ({@link TwinKeys}) whose value is an
 * object of property ids (also as keys) and values. For each PID the decision is to apply the values, converted to
 * the property's Kura type, or to refuse with a reason. Refused are: everything while the feature is off (it is
 * opt-in); a PID not on the allow-list; the provisioner's own PIDs (any under {@value #OWN_PID_PREFIX}) and those
 * the caller protects (the transport, keystores and SSL managers the hub link drives); a PID Kura has no
 * configuration for; and a PID whose values name a property Kura does not define, a Password-typed property, a
 * property whose id says it is a secret (password, passphrase, secret, token, credential, or a key), or a value
 * of the wrong JSON type. One bad property refuses its whole PID, so a PID is never half applied.
 */
public final class DesiredConfiguration {

    /** Every PID of this bundle's components starts so; none may be configured from the cloud. */
    public static final String OWN_PID_PREFIX = "io.kuradps.provisioning.";

    private DesiredConfiguration() {
    }

    /** What to do with one PID's desired values. */
    public static final class Decision {
        private final String pid;
        private final Map<String, Object> properties;
        private final String refusal;

        private Decision(String pid, Map<String, Object> properties, String refusal) {
            this.pid = pid;
            this.properties = properties == null ? null : Collections.unmodifiableMap(properties);
            this.refusal = refusal;
        }

        public String pid() {
            return pid;
        }

        /** The values to apply, by property id, as Kura's types (arrays for arrays); empty when refused. */
        public Optional<Map<String, Object>> properties() {
            return Optional.ofNullable(properties);
        }

        /** Why the PID is not configured; empty when it is to be applied. */
        public Optional<String> refusal() {
            return Optional.ofNullable(refusal);
        }

        @Override
        public String toString() {
            return refusal == null ? "Apply[" + pid + " " + properties.keySet() + "]"
                    : "Refuse[" + pid + ": " + refusal + "]";
        }
    }

    /** What the gateway allows. */
    public static final class Policy {
        private final boolean enabled;
        private final Set<String> allowedPids;
        private final Set<String> protectedPids;

        /**
         * @param enabled       the opt-in switch
         * @param allowedPids   the PIDs that may be configured from the cloud
         * @param protectedPids PIDs never configured whatever the allow-list says (beyond this bundle's own)
         */
        public Policy(boolean enabled, Set<String> allowedPids, Set<String> protectedPids) {
            this.enabled = enabled;
            this.allowedPids = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(allowedPids));
            this.protectedPids = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(protectedPids));
        }
    }

    /**
     * The decisions for every PID under {@code desired.kuraConfiguration}, in the order given; none when the
     * desired properties hold no such member.
     *
     * @param definitions the property types of each PID Kura has a configuration for, by property id
     */
    public static List<Decision> decide(JsonNode desired, Policy policy,
            Map<String, Map<String, PropertyKind>> definitions) {
        JsonNode section = desired.get(DeviceTwin.KURA_CONFIGURATION);
        List<Decision> decisions = new ArrayList<>();
        if (section == null || !section.isObject()) {
            return decisions;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            String pid = TwinKeys.toId(member.getKey());
            String refusal = refusal(pid, member.getValue(), policy, definitions);
            decisions.add(refusal != null ? new Decision(pid, null, refusal)
                    : convert(pid, (ObjectNode) member.getValue(), definitions.get(pid)));
        }
        return decisions;
    }

    /**
     * The outcome to report under {@code reported.kuraConfiguration.{pid as key}}: {@code {"status": "applied" |
     * "refused" | "failed", "reason": ..., "desiredVersion": n}}.
     *
     * @param reason null for applied
     */
    public static ObjectNode outcome(String status, String reason, long desiredVersion) {
        ObjectNode outcome = TwinJson.newObject();
        outcome.put("status", status);
        if (reason != null) {
            outcome.put("reason", reason.length() > TwinLimits.MAX_STRING_BYTES / 4
                    ? reason.substring(0, TwinLimits.MAX_STRING_BYTES / 4) + "..." : reason);
        }
        outcome.put("desiredVersion", desiredVersion);
        return outcome;
    }

    private static String refusal(String pid, JsonNode values, Policy policy,
            Map<String, Map<String, PropertyKind>> definitions) {
        if (!policy.enabled) {
            return "desired configuration is off on this gateway";
        }
        if (pid.startsWith(OWN_PID_PREFIX) || policy.protectedPids.contains(pid)) {
            return pid + " is protected: the provisioner and the hub connection are never configured from the cloud";
        }
        if (!policy.allowedPids.contains(pid)) {
            return pid + " is not on this gateway's allow-list";
        }
        if (!definitions.containsKey(pid)) {
            return "Kura has no configuration for " + pid;
        }
        if (!values.isObject()) {
            return "expected an object of property ids and values, got " + values.getNodeType();
        }
        return null;
    }

    private static Decision convert(String pid, ObjectNode values, Map<String, PropertyKind> definition) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            String id = TwinKeys.toId(member.getKey());
            PropertyKind kind = definition.get(id);
            String problem;
            if (kind == null) {
                problem = "has no such property";
            } else if (kind == PropertyKind.PASSWORD || isSecretName(id)) {
                problem = "is a secret, which is never set from the cloud";
            } else {
                Object value = value(member.getValue(), kind);
                if (value != null) {
                    properties.put(id, value);
                    continue;
                }
                problem = "expects " + describe(kind) + ", got " + member.getValue().getNodeType()
                        + " " + shorten(member.getValue().toString());
            }
            return new Decision(pid, null, id + ": " + pid + " " + problem);
        }
        return new Decision(pid, properties, null);
    }

    static boolean isSecretName(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || lower.contains("passphrase") || lower.contains("secret")
                || lower.contains("token") || lower.contains("credential")) {
            return true;
        }
        for (String segment : lower.split("[._-]")) {
            if (segment.endsWith("key")) {
                return true;
            }
        }
        return false;
    }

    /** The JSON value as Kura's type, an array of it for a JSON array; null when it does not fit. */
    private static Object value(JsonNode json, PropertyKind kind) {
        if (json.isArray()) {
            Object[] array = newArray(kind, json.size());
            int index = 0;
            for (JsonNode element : json) {
                Object value = element.isArray() ? null : value(element, kind);
                if (value == null) {
                    return null;
                }
                array[index++] = value;
            }
            return array;
        }
        switch (kind) {
            case STRING:
                return json.isTextual() ? json.textValue() : null;
            case CHAR:
                return json.isTextual() && json.textValue().length() == 1 ? json.textValue().charAt(0) : null;
            case BOOLEAN:
                return json.isBoolean() ? json.booleanValue() : null;
            case DOUBLE:
                return json.isNumber() ? json.doubleValue() : null;
            case FLOAT:
                return json.isNumber() ? json.floatValue() : null;
            case LONG:
                return integral(json, Long.MIN_VALUE, Long.MAX_VALUE) ? json.longValue() : null;
            case INTEGER:
                return integral(json, Integer.MIN_VALUE, Integer.MAX_VALUE) ? json.intValue() : null;
            case SHORT:
                return integral(json, Short.MIN_VALUE, Short.MAX_VALUE) ? (Object) (short) json.intValue() : null;
            case BYTE:
                return integral(json, Byte.MIN_VALUE, Byte.MAX_VALUE) ? (Object) (byte) json.intValue() : null;
            case PASSWORD:
            default:
                return null;
        }
    }

    private static boolean integral(JsonNode json, long min, long max) {
        if (!json.isNumber()) {
            return false;
        }
        BigDecimal value = TwinJson.integral(json);
        return value != null && value.compareTo(BigDecimal.valueOf(min)) >= 0
                && value.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    private static Object[] newArray(PropertyKind kind, int size) {
        switch (kind) {
            case CHAR:
                return new Character[size];
            case BOOLEAN:
                return new Boolean[size];
            case DOUBLE:
                return new Double[size];
            case FLOAT:
                return new Float[size];
            case LONG:
                return new Long[size];
            case INTEGER:
                return new Integer[size];
            case SHORT:
                return new Short[size];
            case BYTE:
                return new Byte[size];
            case STRING:
            default:
                return new String[size];
        }
    }

    private static String describe(PropertyKind kind) {
        switch (kind) {
            case STRING:
                return "a string";
            case CHAR:
                return "a one-character string";
            case BOOLEAN:
                return "true or false";
            case DOUBLE:
            case FLOAT:
                return "a number";
            default:
                return "a whole number that fits a Kura " + kind.name().charAt(0)
                        + kind.name().substring(1).toLowerCase(Locale.ROOT);
        }
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
