package io.kuradps.provisioning.hub;

/** A hub link configuration value is wrong; the message starts with the property id. */
final class HubConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    HubConfigurationException(String field, String problem) {
        super(field + ": " + problem);
    }
}
