package io.kuradps.provisioning.component;

/**
 * What a configuration value names, or what is needed to use it, is not there yet: a KeystoreService that registers
 * later, a CryptoService that went away. Not the configuration's fault: the provisioner waits for the service
 * instead of failing. The message starts with the property id and says what is awaited. Never carries secrets.
 */
final class MissingServiceException extends InvalidConfigurationException {

    private static final long serialVersionUID = 1L;

    MissingServiceException(String field, String problem) {
        super(field, problem);
    }
}
