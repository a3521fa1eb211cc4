package io.kuradps.runtime.support.configuration;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Configurations in ConfigAdmin, bound to any bundle ("?"), as Kura's ConfigurationService binds them. */
final class ConfigAdminStore implements ConfigurationStore {

    private static final String ANY_LOCATION = "?";

    private final ConfigurationAdmin configurationAdmin;

    ConfigAdminStore(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    @Override
    public Map<String, Object> read(String servicePid) throws IOException {
        Configuration[] existing = list("(" + Constants.SERVICE_PID + "=" + escape(servicePid) + ")");
        if (existing.length == 0 || existing[0].getProperties() == null) {
            return null;
        }
        return toMap(existing[0].getProperties());
    }

    /** ConfigAdmin's own properties (from a snapshot, say) are left for it to set. */
    @Override
    public void write(String servicePid, Map<String, Object> properties) throws IOException {
        Hashtable<String, Object> written = new Hashtable<>(properties);
        written.remove(Constants.SERVICE_PID);
        written.remove(ConfigurationAdmin.SERVICE_FACTORYPID);
        written.remove(ConfigurationAdmin.SERVICE_BUNDLELOCATION);
        this.configurationAdmin.getConfiguration(servicePid, ANY_LOCATION).update(written);
    }

    @Override
    public String createFactoryConfiguration(String factoryPid) throws IOException {
        return this.configurationAdmin.createFactoryConfiguration(factoryPid, ANY_LOCATION).getPid();
    }

    @Override
    public Optional<String> findFactoryConfiguration(String kuraServicePid) throws IOException {
        Configuration[] found = list("(&(" + ConfigurationService.KURA_SERVICE_PID + "=" + escape(kuraServicePid)
                + ")(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=*))");
        return found.length == 0 ? Optional.empty() : Optional.of(found[0].getPid());
    }

    @Override
    public void delete(String servicePid) throws IOException {
        for (Configuration configuration : list(
                "(" + Constants.SERVICE_PID + "=" + escape(servicePid) + ")")) {
            configuration.delete();
        }
    }

    private Configuration[] list(String filter) throws IOException {
        try {
            Configuration[] found = this.configurationAdmin.listConfigurations(filter);
            return found == null ? new Configuration[0] : found;
        } catch (InvalidSyntaxException e) {
            throw new IOException("not a filter: " + filter, e);
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> dictionary) {
        Map<String, Object> map = new HashMap<>();
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, dictionary.get(key));
        }
        return Collections.unmodifiableMap(map);
    }

    /** RFC 1960 escaping of a filter value. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
