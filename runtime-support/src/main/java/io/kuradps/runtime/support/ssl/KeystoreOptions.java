package io.kuradps.runtime.support.ssl;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;

import io.kuradps.runtime.support.crypto.PasswordProperties;

/**
 * A file keystore's configuration as Kura 5.5 reads it (FilesystemKeystoreServiceOptions): {@code keystore.path}
 * ({@value #DEFAULT_PATH} when absent), {@code keystore.password} (decrypted, or as given when it does not decrypt;
 * {@value #DEFAULT_PASSWORD} when absent) and {@code randomize.password} (false when absent). Immutable.
 */
final class KeystoreOptions {

    static final String DEFAULT_PATH = "/tmp/keystore.ks";
    static final String DEFAULT_PASSWORD = "changeit";

    private final Map<String, Object> properties;
    private final Path path;
    private final char[] password;
    private final boolean randomizePassword;
    private final String pid;

    private KeystoreOptions(Map<String, Object> properties, CryptoService crypto) {
        this.properties = Collections.unmodifiableMap(new HashMap<>(properties));
        Object configuredPath = properties.get(StandInKeystoreService.PATH_PROPERTY);
        this.path = Paths.get(configuredPath == null ? DEFAULT_PATH : configuredPath.toString()).normalize();
        Object configuredPassword = properties.get(StandInKeystoreService.PASSWORD_PROPERTY);
        this.password = configuredPassword == null ? DEFAULT_PASSWORD.toCharArray()
                : PasswordProperties.clear(configuredPassword, crypto);
        this.randomizePassword = Boolean.TRUE.equals(properties.get(StandInKeystoreService.RANDOMIZE_PASSWORD_PROPERTY));
        Object kuraPid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        this.pid = kuraPid == null ? null : kuraPid.toString();
    }

    static KeystoreOptions of(Map<String, Object> properties, CryptoService crypto) {
        return new KeystoreOptions(properties, crypto);
    }

    /** The same, with that (encrypted) password configured. */
    KeystoreOptions withPassword(String encryptedPassword, CryptoService crypto) {
        Map<String, Object> changed = new HashMap<>(this.properties);
        changed.put(StandInKeystoreService.PASSWORD_PROPERTY, encryptedPassword);
        return new KeystoreOptions(changed, crypto);
    }

    Map<String, Object> properties() {
        return this.properties;
    }

    Path path() {
        return this.path;
    }

    /** The clear password; a copy. */
    char[] password() {
        return this.password.clone();
    }

    boolean randomizePassword() {
        return this.randomizePassword;
    }

    /** The instance's kura.service.pid; null when not configured through Kura. */
    String pid() {
        return this.pid;
    }
}
