package org.eclipse.kura.configuration.metatype;

/** The attribute types Kura 5.0 knows, each with the name a metatype file gives it. */
public enum Scalar {
    STRING("String"),
    LONG("Long"),
    DOUBLE("Double"),
    FLOAT("Float"),
    INTEGER("Integer"),
    BYTE("Byte"),
    CHAR("Char"),
    BOOLEAN("Boolean"),
    SHORT("Short"),
    PASSWORD("Password");

    private final String metatypeName;

    Scalar(String metatypeName) {
        this.metatypeName = metatypeName;
    }

    /** The type's name in a metatype file, e.g. {@code Password}. */
    public String value() {
        return this.metatypeName;
    }

    /** @throws IllegalArgumentException if no constant has that metatype name */
    public static Scalar fromValue(String metatypeName) {
        for (Scalar scalar : values()) {
            if (scalar.metatypeName.equals(metatypeName)) {
                return scalar;
            }
        }
        throw new IllegalArgumentException(metatypeName);
    }
}
