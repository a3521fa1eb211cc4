package io.kuradps.provisioning.iothub;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON merge patches (RFC 7386), the form of every twin patch: a member replaces or adds, an object merges into an
 * object, a null deletes. Pure: inputs are never modified, results are fresh trees.
 */
public final class MergePatch {

    private MergePatch() {
    }

    /** {@code target} with {@code patch} merged in (RFC 7386 MergePatch). */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : TwinJson.newObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
            }
        }
        return result;
    }

    /**
     * The smallest patch that turns what the hub holds into what is wanted, for the names {@code wanted} lists: a
     * name whose wanted value is null is deleted if held, every other name is set or merged where it differs
     * (numbers compare by value). Names held but not listed are left alone, so a caller manages only its own.
     * Empty when nothing differs: then nothing is sent.
     */
    public static ObjectNode diff(JsonNode held, ObjectNode wanted) {
        ObjectNode patch = TwinJson.newObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            String name = member.getKey();
            JsonNode want = member.getValue();
            JsonNode have = held == null ? null : held.get(name);
            if (want.isNull()) {
                if (have != null) {
                    patch.set(name, NullNode.getInstance());
                }
            } else if (have == null) {
                patch.set(name, withoutNulls(want));
            } else if (want.isObject() && have.isObject()) {
                ObjectNode inner = diffWhole(have, (ObjectNode) want);
                if (inner.size() > 0) {
                    patch.set(name, inner);
                }
            } else if (!TwinJson.sameValue(have, want)) {
                patch.set(name, withoutNulls(want));
            }
        }
        return patch;
    }

    /** Below the top level the wanted object is the whole truth: names it lacks are deleted. */
    private static ObjectNode diffWhole(JsonNode held, ObjectNode wanted) {
        ObjectNode patch = diff(held, wanted);
        for (Iterator<String> names = held.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!wanted.has(name)) {
                patch.set(name, NullNode.getInstance());
            }
        }
        return patch;
    }

    /** A wanted value is sent as it is, but a null inside it would delete: such members are dropped. */
    private static JsonNode withoutNulls(JsonNode value) {
        if (!value.isObject()) {
            return value.deepCopy();
        }
        ObjectNode copy = TwinJson.newObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            if (!member.getValue().isNull()) {
                copy.set(member.getKey(), withoutNulls(member.getValue()));
            }
        }
        return copy;
    }
}
