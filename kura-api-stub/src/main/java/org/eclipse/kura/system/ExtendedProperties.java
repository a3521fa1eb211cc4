package org.eclipse.kura.system;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** Platform-specific properties in groups, with the version of their format, as Kura 5.0 declares it. */
@ProviderType
public class ExtendedProperties {

    private final String version;
    private final List<ExtendedPropertyGroup> groups;

    /** @throws IllegalArgumentException if version is blank; NullPointerException if an argument is null */
    public ExtendedProperties(String version, List<ExtendedPropertyGroup> groups) {
        if (Objects.requireNonNull(version, "version").trim().isEmpty()) {
            throw new IllegalArgumentException("version is empty");
        }
        this.version = version;
        this.groups = Collections.unmodifiableList(Objects.requireNonNull(groups, "groups"));
    }

    public String getVersion() {
        return this.version;
    }

    public List<ExtendedPropertyGroup> getPropertyGroups() {
        return this.groups;
    }
}
