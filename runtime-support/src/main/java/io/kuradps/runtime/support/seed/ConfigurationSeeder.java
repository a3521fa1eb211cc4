package io.kuradps.runtime.support.seed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventConstants;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.outcome.OutcomeForwarder;
import io.kuradps.runtime.support.standin.StandInRegistrar;

/**
 * Does for the demo runtime what Kura does with its snapshot at start-up: reads the configurations of a
 * properties file, fills in the metatype defaults, types every value as the metatype says, encrypts Password
 * values with the CryptoService, adds {@code kura.service.pid} and hands the result to ConfigAdmin. The file is
 * named by the framework property {@value #CONFIG_FILE_PROPERTY}; each {@code kura.service.pid} line starts the
 * configuration of that PID ({@link ConfigurationSections}).
 * <p>
 * When the stand-in ConfigurationService is switched on ({@value StandInRegistrar#CONFIGURATION_PROPERTY}), it
 * restores the newest snapshot into ConfigAdmin when it activates; the file is seeded once it has, so that the
 * file's values, given for this start, win over those of the previous start's snapshot.
 */
@Component(immediate = true)
public final class ConfigurationSeeder {

    public static final String CONFIG_FILE_PROPERTY = "kuradps.runtime.config";
    /** Handed to the runtime's outcome listener when seeding fails, so that it need not wait for an event. */
    public static final String SEEDING_FAILED_TOPIC = "io/kuradps/runtime/ConfigurationSeeding/FAILED";
    /**
     * Handed to the runtime's outcome listener once every configuration of the file is in ConfigAdmin, with
     * {@value #SEEDED_CONFIGURATIONS}.
     */
    public static final String SEEDED_TOPIC = "io/kuradps/runtime/ConfigurationSeeding/SEEDED";
    /** PID to its seeded properties, typed, Password ones left out (a Map of Maps). */
    public static final String SEEDED_CONFIGURATIONS = "configurations";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationSeeder.class);

    @Reference
    private ConfigurationAdmin configurationAdmin;

    @Reference
    private MetaTypeService metaTypeService;

    @Reference
    private CryptoService cryptoService;

    @Reference(service = Consumer.class, cardinality = ReferenceCardinality.OPTIONAL,
            target = "(" + OutcomeForwarder.LISTENER_PROPERTY + "=true)")
    private volatile Consumer<Map<String, Object>> outcomeListener;

    private BundleContext context;
    private boolean awaitRestore;
    private boolean configurationServiceBound;
    private boolean seeded;

    @Activate
    synchronized void activate(BundleContext bundleContext) {
        this.context = bundleContext;
        if (bundleContext.getProperty(CONFIG_FILE_PROPERTY) == null) {
            LOG.info("No {} set: nothing to seed", CONFIG_FILE_PROPERTY);
            return;
        }
        this.awaitRestore = Boolean.parseBoolean(bundleContext.getProperty(StandInRegistrar.CONFIGURATION_PROPERTY));
        if (!this.awaitRestore || this.configurationServiceBound) {
            seedOnce();
        }
    }

    /** Given the service object only once it has activated, that is, restored the newest snapshot. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetConfigurationService")
    synchronized void setConfigurationService(ConfigurationService restored) {
        this.configurationServiceBound = true;
        if (this.context != null && this.awaitRestore) {
            seedOnce();
        }
    }

    synchronized void unsetConfigurationService(ConfigurationService gone) {
        this.configurationServiceBound = false;
    }

    private void seedOnce() {
        if (this.seeded) {
            return;
        }
        this.seeded = true;
        String file = this.context.getProperty(CONFIG_FILE_PROPERTY);
        Map<String, Object> outcome = new HashMap<>();
        try {
            outcome.put(SEEDED_CONFIGURATIONS, seed(this.context, Paths.get(file)));
            outcome.put(EventConstants.EVENT_TOPIC, SEEDED_TOPIC);
        } catch (IOException | KuraException | RuntimeException e) {
            // SCR would only hand this to a LogService, which a bare framework does not print.
            LOG.error("Cannot seed the configuration from {}: {}", file, e.getMessage());
            outcome.put(EventConstants.EVENT_TOPIC, SEEDING_FAILED_TOPIC);
            outcome.put("error.message", "configuration not seeded: " + e.getMessage());
        }
        Consumer<Map<String, Object>> listener = this.outcomeListener;
        if (listener != null) {
            listener.accept(Collections.unmodifiableMap(outcome));
        }
    }

    /**
     * Every section is typed and checked before any is written, so a file with one bad section seeds nothing.
     *
     * @return PID to what was seeded, Password values left out
     */
    private Map<String, Map<String, Object>> seed(BundleContext bundleContext, Path path) throws IOException,
            KuraException {
        String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        Map<String, Hashtable<String, Object>> typed = new LinkedHashMap<>();
        Map<String, Map<String, Object>> seeded = new HashMap<>();
        for (Map.Entry<String, Properties> section : ConfigurationSections.read(path.toString(), text).entrySet()) {
            String pid = section.getKey();
            ObjectClassDefinition definition = findDefinition(bundleContext, pid);
            Hashtable<String, Object> properties = typedProperties(path, section.getValue(), pid, definition);
            typed.put(pid, properties);
            Map<String, Object> withoutSecrets = new HashMap<>(properties);
            for (AttributeDefinition attribute : definition.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                if (attribute.getType() == AttributeDefinition.PASSWORD) {
                    withoutSecrets.remove(attribute.getID());
                }
            }
            seeded.put(pid, Collections.unmodifiableMap(withoutSecrets));
        }
        for (Map.Entry<String, Hashtable<String, Object>> configuration : typed.entrySet()) {
            this.configurationAdmin.getConfiguration(configuration.getKey(), "?").update(configuration.getValue());
            LOG.info("Seeded configuration {} from {} ({} properties)", configuration.getKey(), path,
                    configuration.getValue().size());
        }
        return Collections.unmodifiableMap(seeded);
    }

    private Hashtable<String, Object> typedProperties(Path path, Properties text, String pid,
            ObjectClassDefinition definition) throws KuraException {
        AttributeDefinition[] attributes = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (String key : text.stringPropertyNames()) {
            boolean known = ConfigurationService.KURA_SERVICE_PID.equals(key)
                    || Arrays.stream(attributes).anyMatch(attribute -> attribute.getID().equals(key));
            if (!known) {
                throw new IllegalArgumentException(path + ": '" + key + "' is not a property of " + pid);
            }
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        for (AttributeDefinition attribute : attributes) {
            String value = text.getProperty(attribute.getID());
            if (value == null) {
                value = defaultText(attribute);
            }
            if (value == null) {
                continue;
            }
            Object typed = AttributeValues.convert(attribute, value);
            if (attribute.getType() == AttributeDefinition.PASSWORD && !value.isEmpty()) {
                typed = new String(this.cryptoService.encryptAes(value.toCharArray()));
            }
            properties.put(attribute.getID(), typed);
        }
        properties.put(ConfigurationService.KURA_SERVICE_PID, pid);
        return properties;
    }

    private static String defaultText(AttributeDefinition attribute) {
        String[] defaults = attribute.getDefaultValue();
        return defaults == null ? null : String.join(",", defaults);
    }

    private ObjectClassDefinition findDefinition(BundleContext context, String pid) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = this.metaTypeService.getMetaTypeInformation(bundle);
            if (information != null && Arrays.asList(information.getPids()).contains(pid)) {
                return information.getObjectClassDefinition(pid, null);
            }
        }
        throw new IllegalStateException("No installed bundle has a metatype for PID " + pid);
    }
}
