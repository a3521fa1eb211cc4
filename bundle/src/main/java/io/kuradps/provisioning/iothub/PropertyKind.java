package io.kuradps.provisioning.iothub;

/**
 * The types of Kura configuration properties (the metatype {@code AD} types Kura's ConfigurationService knows),
 * so that a desired value can be checked and converted without Kura's classes in the core.
 */
public enum PropertyKind {
    STRING, PASSWORD, LONG, DOUBLE, FLOAT, INTEGER, SHORT, BYTE, CHAR, BOOLEAN;

    /**
     * The kind for a metatype type name such as {@code Integer} or {@code Password}.
     *
     * @throws IllegalArgumentException for a name Kura does not define
     */
    public static PropertyKind of(String typeName) {
        for (PropertyKind kind : values()) {
            if (kind.name().equalsIgnoreCase(typeName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + typeName + "' is not a Kura property type");
    }
}
