package io.kuradps.runtime.support.configuration;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.metatype.OCD;

/** A PID, its definition (null when unknown, as in snapshots) and a copy of its properties. */
final class StandInComponentConfiguration implements ComponentConfiguration {

    private final String pid;
    private final OCD definition;
    private final Map<String, Object> properties;

    /** @param properties null as Kura has it for a tracked PID that has no configuration in ConfigAdmin */
    StandInComponentConfiguration(String pid, OCD definition, Map<String, Object> properties) {
        this.pid = pid;
        this.definition = definition;
        this.properties = properties == null ? null : Collections.unmodifiableMap(new HashMap<>(properties));
    }

    @Override
    public String getPid() {
        return this.pid;
    }

    @Override
    public OCD getDefinition() {
        return this.definition;
    }

    @Override
    public Map<String, Object> getConfigurationProperties() {
        return this.properties;
    }

    /** The PID and the property names only: values may be secrets. */
    @Override
    public String toString() {
        return this.pid + (this.properties == null ? "[]" : this.properties.keySet().toString());
    }
}
