package io.kuradps.runtime.support.configuration;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * ConfigAdmin as the ConfigurationService sees it, in a map: it adds service.pid and service.factoryPid as
 * ConfigAdmin does, a new factory configuration has no properties until its first write, and it counts writes.
 */
final class InMemoryConfigurationStore implements ConfigurationStore {

    final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
    private final Map<String, String> factoryPids = new HashMap<>();
    private final Map<String, Integer> writes = new HashMap<>();
    private int created;

    @Override
    public Map<String, Object> read(String servicePid) {
        Map<String, Object> stored = this.configurations.get(servicePid);
        if (stored == null) {
            return null;
        }
        Map<String, Object> properties = new HashMap<>(stored);
        properties.put(Constants.SERVICE_PID, servicePid);
        if (this.factoryPids.containsKey(servicePid)) {
            properties.put(ConfigurationAdmin.SERVICE_FACTORYPID, this.factoryPids.get(servicePid));
        }
        return properties;
    }

    @Override
    public void write(String servicePid, Map<String, Object> properties) {
        Map<String, Object> stored = new HashMap<>(properties);
        stored.remove(Constants.SERVICE_PID);
        stored.remove(ConfigurationAdmin.SERVICE_FACTORYPID);
        this.configurations.put(servicePid, stored);
        this.writes.merge(servicePid, 1, Integer::sum);
    }

    @Override
    public String createFactoryConfiguration(String factoryPid) {
        String servicePid = factoryPid + "." + ++this.created;
        this.factoryPids.put(servicePid, factoryPid);
        return servicePid;
    }

    @Override
    public Optional<String> findFactoryConfiguration(String kuraServicePid) {
        return this.configurations.entrySet().stream()
                .filter(entry -> this.factoryPids.containsKey(entry.getKey())
                        && kuraServicePid.equals(entry.getValue().get(ConfigurationService.KURA_SERVICE_PID)))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public void delete(String servicePid) {
        this.configurations.remove(servicePid);
        this.factoryPids.remove(servicePid);
    }

    /** The stored properties of the factory configuration with that kura.service.pid. */
    Map<String, Object> factoryInstance(String kuraServicePid) {
        return this.configurations.get(findFactoryConfiguration(kuraServicePid).orElseThrow());
    }

    String factoryPidOf(String servicePid) {
        return this.factoryPids.get(servicePid);
    }

    int writes(String servicePid) {
        return this.writes.getOrDefault(servicePid, 0);
    }
}
