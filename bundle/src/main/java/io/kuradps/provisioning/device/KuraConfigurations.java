package io.kuradps.provisioning.device;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kuradps.provisioning.api.device.DeviceTwin;
import io.kuradps.provisioning.iothub.DesiredConfiguration;
import io.kuradps.provisioning.iothub.PropertyKind;
import io.kuradps.provisioning.iothub.TwinKeys;
import io.kuradps.provisioning.iothub.TwinSection;

/**
 * The desired Kura configuration ({@code desired.kuraConfiguration}) carried out: {@link DesiredConfiguration}
 * decides each PID, the values it allows are written through Kura's ConfigurationService (with a snapshot, so they
 * outlive a reboot; not at all when Kura holds them already), and the outcome of each is kept for {@code
 * reported.kuraConfiguration}. A PID is decided again only when its desired value or the policy changed, so neither
 * a reconnect nor another PID's change writes it twice. Called on the room's worker only.
 */
final class KuraConfigurations {

    static final String APPLIED = "applied";
    static final String REFUSED = "refused";
    static final String FAILED = "failed";

    /** Kura's ConfigurationService, as far as this needs it. */
    interface Kura {
        /** The property types of a PID Kura tracks, by id; null when it tracks none with that PID. */
        Map<String, PropertyKind> definition(String pid);

        /** The PID's current properties. */
        Map<String, Object> current(String pid) throws Exception;

        /** Writes these properties, with a snapshot. */
        void update(String pid, Map<String, Object> properties) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(KuraConfigurations.class);

    private final Kura kura;
    /** The desired value each PID key was last decided on, and the outcome it got. */
    private final Map<String, JsonNode> decided = new HashMap<>();
    private final Map<String, JsonNode> outcomes = new HashMap<>();

    KuraConfigurations(Kura kura) {
        this.kura = kura;
    }

    /**
     * Carries out what changed in the desired section.
     *
     * @return what to report under {@code kuraConfiguration}: an outcome per PID key, or null (delete it) when the
     *         desired section holds no PID
     */
    ObjectNode consider(TwinSection desired, DesiredConfiguration.Policy policy) {
        ObjectNode section = desired.properties();
        JsonNode wanted = section.get(DeviceTwin.KURA_CONFIGURATION);
        ObjectNode changed = ProvisioningJson.object();
        ObjectNode report = ProvisioningJson.object();
        if (wanted != null && wanted.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                if (!member.getValue().equals(decided.get(member.getKey()))) {
                    changed.set(member.getKey(), member.getValue());
                }
            }
        }
        decided.keySet().retainAll(wanted == null || !wanted.isObject() ? Collections.emptySet() : fieldNames(wanted));
        outcomes.keySet().retainAll(decided.keySet());
        ObjectNode desiredChanges = ProvisioningJson.object();
        desiredChanges.set(DeviceTwin.KURA_CONFIGURATION, changed);
        List<DesiredConfiguration.Decision> decisions = DesiredConfiguration.decide(desiredChanges, policy,
                definitions(changed));
        // One decision per member, in the members' order.
        Iterator<String> keys = changed.fieldNames();
        for (DesiredConfiguration.Decision decision : decisions) {
            String key = keys.next();
            decided.put(key, changed.get(key));
            outcomes.put(key, carryOut(decision, desired.version()));
        }
        outcomes.forEach(report::set);
        return report.size() == 0 ? null : report;
    }

    /** The policy changed: every PID is decided again at the next desired state. */
    void forget() {
        decided.clear();
        outcomes.clear();
    }

    private JsonNode carryOut(DesiredConfiguration.Decision decision, long version) {
        String pid = decision.pid();
        if (decision.refusal().isPresent()) {
            LOG.info("Desired configuration of {} refused: {}", pid, decision.refusal().get());
            return DesiredConfiguration.outcome(REFUSED, decision.refusal().get(), version);
        }
        Map<String, Object> properties = decision.properties().get();
        try {
            if (alreadyHeld(kura.current(pid), properties)) {
                LOG.info("Desired configuration of {} is in force already", pid);
            } else {
                kura.update(pid, properties);
                LOG.info("Desired configuration of {} applied: {}", pid, properties.keySet());
            }
            return DesiredConfiguration.outcome(APPLIED, null, version);
        } catch (Exception e) {
            LOG.warn("Desired configuration of {} failed: {}", pid, e.toString());
            return DesiredConfiguration.outcome(FAILED, "ConfigurationService: " + e.getMessage(), version);
        }
    }

    private Map<String, Map<String, PropertyKind>> definitions(ObjectNode pids) {
        Map<String, Map<String, PropertyKind>> definitions = new HashMap<>();
        for (Iterator<String> keys = pids.fieldNames(); keys.hasNext();) {
            String pid = TwinKeys.toId(keys.next());
            Map<String, PropertyKind> definition = kura.definition(pid);
            if (definition != null) {
                definitions.put(pid, definition);
            }
        }
        return definitions;
    }

    private static boolean alreadyHeld(Map<String, Object> current, Map<String, Object> wanted) {
        for (Map.Entry<String, Object> value : wanted.entrySet()) {
            if (current == null || !Objects.deepEquals(current.get(value.getKey()), value.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
