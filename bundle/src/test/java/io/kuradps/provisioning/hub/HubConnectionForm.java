package io.kuradps.provisioning.hub;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.testing.FormValidation;

/** The hub link's form and {@link HubLinkSettings}, for the metatype agreement test. */
public final class HubConnectionForm implements FormValidation {

    @Override
    public String pid() {
        return HubConnectionConfig.PID;
    }

    @Override
    public Class<? extends Annotation> form() {
        return HubConnectionConfig.class;
    }

    /** Switches: any value of theirs is valid. */
    @Override
    public Set<String> unvalidated() {
        return new HashSet<>(Arrays.asList("enabled", "transport.create", "azure.root.cas"));
    }

    @Override
    public Map<String, Object> badValues() {
        Map<String, Object> bad = new HashMap<>();
        bad.put(HubLinkSettings.F_TRANSPORT_PID, " ");
        bad.put(HubLinkSettings.F_TRANSPORT, "amqp");
        bad.put(HubLinkSettings.F_TOKEN_LIFETIME, 0);
        bad.put(HubLinkSettings.F_RENEWAL_PERCENT, 100);
        bad.put(HubLinkSettings.F_MODEL_ID, "thermostat");
        return bad;
    }

    /** A disabled link is not validated, so the configuration is enabled unless it says otherwise. */
    @Override
    public Optional<String> problem(Map<String, Object> properties) {
        Map<String, Object> enabled = new HashMap<>(properties);
        enabled.putIfAbsent("enabled", true);
        try {
            HubLinkSettings.from(Configs.of(HubConnectionConfig.class, enabled));
            return Optional.empty();
        } catch (HubConfigurationException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return pid();
    }
}
