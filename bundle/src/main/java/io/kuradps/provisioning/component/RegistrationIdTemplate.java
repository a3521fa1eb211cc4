package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.ProvisioningConfig.F_REGISTRATION_ID;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.kura.system.SystemService;

import io.kuradps.provisioning.protocol.RegistrationSettings;

/**
 * A {@code registration.id} whose placeholders are filled from Kura's SystemService, so that one image (one
 * snapshot) gives every gateway of a fleet its own id: {@code ${serial}}, {@code ${mac}}, {@code ${hostname}}. The
 * filled-in values are lowercased (a MAC address comes as {@code B8:27:EB:...}); the text around them is kept as
 * written. A value Kura does not know ({@link SystemService#UNKNOWN}) is refused rather than shared by the fleet.
 * The result must then be a valid registration id.
 */
final class RegistrationIdTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /** Placeholder name to what it is (for messages) and where Kura keeps it. */
    private static final Map<String, Source> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("serial", new Source("serial number", SystemService::getSerialNumber));
        SOURCES.put("mac", new Source("primary MAC address", SystemService::getPrimaryMacAddress));
        SOURCES.put("hostname", new Source("host name", SystemService::getHostname));
    }

    private static final class Source {
        final String description;
        final Function<SystemService, String> value;

        Source(String description, Function<SystemService, String> value) {
            this.description = description;
            this.value = value;
        }
    }

    private RegistrationIdTemplate() {
    }

    /** True when {@code value} has a placeholder, i.e. needs a SystemService to become an id. */
    static boolean isTemplate(String value) {
        return value.contains("${");
    }

    /**
     * The registration id {@code template} stands for on this gateway; a value without placeholders is returned
     * unchanged (and is checked later, with the other protocol fields).
     *
     * @param systemService Kura's SystemService, or null when there is none
     * @throws InvalidConfigurationException naming {@code registration.id}, with the resolved value when it is not
     *                                       a valid registration id
     */
    static String resolve(String template, SystemService systemService) throws InvalidConfigurationException {
        if (!isTemplate(template)) {
            return template;
        }
        Matcher placeholder = PLACEHOLDER.matcher(template);
        StringBuffer resolved = new StringBuffer();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            Source source = SOURCES.get(name);
            if (source == null) {
                throw problem(template, "${" + name + "} is not a placeholder; use " + known());
            }
            if (systemService == null) {
                throw problem(template, "needs Kura's SystemService for ${" + name + "}, and there is none");
            }
            String value = valueOf(source, systemService);
            if (value.isEmpty()) {
                // Kura answers UNKNOWN where kura.properties or the platform has no value: as an id it would give
                // every such gateway of the fleet the same registration.
                throw problem(template, "Kura's SystemService gives no " + source.description + " for ${" + name
                        + "} (null, empty or " + SystemService.UNKNOWN + ")");
            }
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(resolved);
        String id = resolved.toString();
        if (id.contains("${")) {
            throw problem(template, "has a ${ without its closing }");
        }
        Optional<String> invalid = RegistrationSettings.registrationIdProblem(id);
        if (invalid.isPresent()) {
            throw new InvalidConfigurationException(F_REGISTRATION_ID,
                    "'" + template + "' resolved to '" + id + "', which " + invalid.get());
        }
        return id;
    }

    private static String valueOf(Source source, SystemService systemService) {
        String value;
        try {
            value = source.value.apply(systemService);
        } catch (RuntimeException e) {
            value = null;
        }
        String trimmed = value == null ? "" : value.trim();
        return trimmed.equalsIgnoreCase(SystemService.UNKNOWN) ? "" : trimmed.toLowerCase(Locale.ROOT);
    }

    private static InvalidConfigurationException problem(String template, String what) {
        return new InvalidConfigurationException(F_REGISTRATION_ID, "'" + template + "': " + what);
    }

    private static String known() {
        StringBuilder names = new StringBuilder();
        for (String name : SOURCES.keySet()) {
            names.append(names.length() == 0 ? "" : ", ").append("${").append(name).append('}');
        }
        return names.toString();
    }
}
