package io.kuradps.provisioning.component;

/** A configuration value is missing or wrong; the message starts with the property id. Never carries secrets. */
class InvalidConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidConfigurationException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The property id, e.g. {@code id.scope}. */
    String field() {
        return field;
    }
}
