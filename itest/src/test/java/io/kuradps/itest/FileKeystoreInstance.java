package io.kuradps.itest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A file KeystoreService instance (runtime-support's stand-in of Kura's {@code FilesystemKeystoreServiceImpl}) over
 * a PKCS#12 file of its own, made through ConfigAdmin as Kura's snapshot makes {@code SSLKeystore}. The file must
 * exist before the instance: Kura's keystore fails every call on a missing one.
 */
final class FileKeystoreInstance {

    static final String FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    /** Kura's default keystore password; not a secret of the device. */
    static final String PASSWORD = "changeit";

    private FileKeystoreInstance() {
    }

    /** An empty PKCS#12 keystore, to fill before {@link #create}. */
    static KeyStore empty() throws IOException, GeneralSecurityException {
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        keystore.load(null, null);
        return keystore;
    }

    /**
     * Writes {@code content} to {@code file} and creates the instance {@code kuraServicePid} over it.
     *
     * @return the instance's configuration, to delete afterwards
     */
    static Configuration create(ConfigurationAdmin configurationAdmin, Path file, KeyStore content,
            String kuraServicePid) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            content.store(out, PASSWORD.toCharArray());
        }
        Configuration configuration = configurationAdmin.createFactoryConfiguration(FACTORY_PID, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("keystore.path", file.toString());
        properties.put("keystore.password", PASSWORD);
        properties.put(DpsProvisionerConfiguration.KURA_SERVICE_PID, kuraServicePid);
        configuration.update(properties);
        return configuration;
    }
}
