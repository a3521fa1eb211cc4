package org.eclipse.kura.system;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** A named group of platform-specific properties, as Kura 5.0 declares it. */
@ProviderType
public class ExtendedPropertyGroup {

    private final String name;
    private final Map<String, String> properties;

    /** @throws IllegalArgumentException if name is blank; NullPointerException if an argument is null */
    public ExtendedPropertyGroup(String name, Map<String, String> properties) {
        if (Objects.requireNonNull(name, "name").trim().isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
        this.name = name;
        this.properties = Collections.unmodifiableMap(Objects.requireNonNull(properties, "properties"));
    }

    public String getName() {
        return this.name;
    }

    public Map<String, String> getProperties() {
        return this.properties;
    }
}
