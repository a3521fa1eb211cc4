package io.kuradps.itest;

import java.io.IOException;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Writes the provisioner's configuration into ConfigAdmin the way Kura's ConfigurationService does:
 * {@code getConfiguration(pid, "?")} and an update carrying {@code kura.service.pid}.
 */
public final class DpsProvisionerConfiguration {

    public static final String PID = "io.kuradps.provisioning.DpsProvisioner";
    /** org.eclipse.kura.configuration.ConfigurationService.KURA_SERVICE_PID */
    public static final String KURA_SERVICE_PID = "kura.service.pid";

    private final Map<String, Object> properties = new LinkedHashMap<>();

    private DpsProvisionerConfiguration() {
    }

    /** Enabled, pointed at the simulator over MQTT, trusting its CA, with short timeouts for tests. */
    public static DpsProvisionerConfiguration forSimulator(String endpoint, String idScope, String caFile) {
        return new DpsProvisionerConfiguration()
                .set("enabled", true)
                .set("global.endpoint", endpoint)
                .set("id.scope", idScope)
                .set("ca.file", caFile)
                .set("transport", "mqtt")
                .set("response.timeout.seconds", 10)
                .set("backoff.max.seconds", 2)
                .set("deadline.seconds", 60);
    }

    /** Provisioning switched off; the component keeps running, and keeps the assignment it holds. */
    public static DpsProvisionerConfiguration disabled() {
        return new DpsProvisionerConfiguration().set("enabled", false);
    }

    public DpsProvisionerConfiguration symmetricKey(String registrationId, String enrollmentKind, String key) {
        return set("registration.id", registrationId)
                .set("attestation", "symmetric-key")
                .set("enrollment.kind", enrollmentKind)
                .set("symmetric.key", key);
    }

    /**
     * Requests a certificate with the registration, kept in that KeystoreService under that alias, renewed an hour
     * before it expires (halfway, for the short-lived ones a test asks the simulator for).
     */
    public DpsProvisionerConfiguration requestingACertificate(String keystorePid, String alias) {
        return set("certificate.issuance", true)
                .set("certificate.keystore.service.pid", keystorePid)
                .set("certificate.keystore.alias", alias)
                .set("certificate.renew.before.hours", 1);
    }

    public DpsProvisionerConfiguration set(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public void applyTo(ConfigurationAdmin configurationAdmin) throws IOException {
        Dictionary<String, Object> dictionary = new Hashtable<>(properties);
        dictionary.put(KURA_SERVICE_PID, PID);
        configuration(configurationAdmin).update(dictionary);
    }

    /**
     * Writes it through Kura's ConfigurationService as Kura's web UI's Apply does (with a snapshot), the key as a
     * {@code Password}, so that Kura stores it encrypted (in ConfigAdmin directly it stays clear).
     */
    public void applyThrough(ConfigurationService configurationService) throws KuraException {
        Map<String, Object> values = new HashMap<>(properties);
        Object key = values.get("symmetric.key");
        if (key != null) {
            values.put("symmetric.key", new Password(key.toString()));
        }
        configurationService.updateConfiguration(PID, values);
    }

    /** Removes the configuration, which deactivates the component (configuration policy require). */
    public static void deleteFrom(ConfigurationAdmin configurationAdmin) throws IOException {
        configuration(configurationAdmin).delete();
    }

    private static Configuration configuration(ConfigurationAdmin configurationAdmin) throws IOException {
        return configurationAdmin.getConfiguration(PID, "?");
    }
}
