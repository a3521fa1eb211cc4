package io.kuradps.runtime.support.seed;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
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
import org.osgi.service.event.EventConstants;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.runtime.support.outcome.OutcomeForwarder;

/**
 * Does for the demo runtime what Kura does with its snapshot at start-up: reads one component's
 * configuration from a properties file, fills in the metatype defaults, types every value as the metatype
 * says, encrypts Password values with the CryptoService, adds {@code kura.service.pid} and hands the result to
 * ConfigAdmin. The file is named by the framework property {@value #CONFIG_FILE_PROPERTY} and names its PID
 * with the {@code kura.service.pid} key.
 */
@Component(immediate = true)
public final class ConfigurationSeeder {

    public static final String CONFIG_FILE_PROPERTY = "kuradps.runtime.config";
    /** Handed to the runtime's outcome listener when seeding fails, so that it need not wait for an event. */
    public static final String SEEDING_FAILED_TOPIC = "io/kuradps/runtime/ConfigurationSeeding/FAILED";

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

    @Activate
    void activate(BundleContext context) throws IOException, KuraException {
        String file = context.getProperty(CONFIG_FILE_PROPERTY);
        if (file == null) {
            LOG.info("No {} set: nothing to seed", CONFIG_FILE_PROPERTY);
            return;
        }
        try {
            seed(context, Paths.get(file));
        } catch (IOException | KuraException | RuntimeException e) {
            // SCR would only hand this to a LogService, which a bare framework does not print.
            LOG.error("Cannot seed the configuration from {}: {}", file, e.getMessage());
            reportFailure(e.getMessage());
            throw e;
        }
    }

    private void seed(BundleContext context, Path path) throws IOException, KuraException {
        Properties text = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            text.load(reader);
        }
        String pid = text.getProperty(ConfigurationService.KURA_SERVICE_PID);
        if (pid == null || pid.trim().isEmpty()) {
            throw new IllegalArgumentException(path + ": missing " + ConfigurationService.KURA_SERVICE_PID);
        }
        pid = pid.trim();
        ObjectClassDefinition definition = findDefinition(context, pid);
        Hashtable<String, Object> properties = typedProperties(path, text, pid, definition);
        this.configurationAdmin.getConfiguration(pid, "?").update(properties);
        LOG.info("Seeded configuration {} from {} ({} properties)", pid, path, properties.size());
    }

    private void reportFailure(String message) {
        Consumer<Map<String, Object>> listener = this.outcomeListener;
        if (listener != null) {
            Map<String, Object> failure = new HashMap<>();
            failure.put(EventConstants.EVENT_TOPIC, SEEDING_FAILED_TOPIC);
            failure.put("error.message", "configuration not seeded: " + message);
            listener.accept(Collections.unmodifiableMap(failure));
        }
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
