package org.eclipse.kura.system;

import org.osgi.annotation.versioning.ProviderType;

/** One installed piece of software: name, version and kind, with Kura 5.0's constructors. */
@ProviderType
public class SystemResourceInfo {

    private final String name;
    private final String version;
    private final SystemResourceType type;

    /** A resource whose version and kind are not known. */
    public SystemResourceInfo(String name) {
        this(name, "Unknown", SystemResourceType.UNKNOWN);
    }

    /** @param type the name of a {@link SystemResourceType} constant */
    public SystemResourceInfo(String name, String version, String type) {
        this(name, version, SystemResourceType.valueOf(type));
    }

    public SystemResourceInfo(String name, String version, SystemResourceType type) {
        this.name = name;
        this.version = version;
        this.type = type;
    }

    public String getName() {
        return this.name;
    }

    public String getVersion() {
        return this.version;
    }

    public SystemResourceType getType() {
        return this.type;
    }

    public String getTypeString() {
        return this.type.toString();
    }
}
