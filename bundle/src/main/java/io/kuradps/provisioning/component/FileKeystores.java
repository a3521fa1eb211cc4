package io.kuradps.provisioning.component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurationService;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.kura.KuraReferences;

/**
 * Kura file KeystoreService instances the provisioner creates where it needs a keystore and Kura has no
 * configuration of that name, so that certificate issuance works with nothing typed. Each is made as Kura makes its
 * own {@code SSLKeystore} (snapshot_0.xml), read in Kura 5.5's FilesystemKeystoreServiceImpl and
 * FilesystemKeystoreServiceOptions:
 * <ul>
 * <li>through Kura's ConfigurationService ({@code createFactoryConfiguration} of the factory {@value #FACTORY_PID}, with
 * a snapshot), so Kura tracks, encrypts and restores it at every boot;</li>
 * <li>{@code keystore.path} a file under Kura's data directory that does not exist yet: the factory creates the
 * keystore itself when the path is no file (over an existing 0-byte file every call would fail with "Failed to get the
 * KeyStore");</li>
 * <li>no {@code keystore.password} and {@code randomize.password=true}: the factory creates the file with its default
 * password, then at activation gives it a random one, which it keeps in Kura's CryptoService and writes back,
 * encrypted, into the configuration with {@code randomize.password=false}. Nobody types or sees a password.</li>
 * </ul>
 * Whether Kura has a configuration of that name is asked of ConfigAdmin as well as of the ConfigurationService: at boot
 * Kura pushes its snapshot into ConfigAdmin before it registers the ConfigurationService, but tracks an instance only
 * once its service registers, so a keystore from the snapshot that is still activating is seen there and waited for,
 * never created twice.
 */
final class FileKeystores {

    static final String FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    static final String PATH_PROPERTY = "keystore.path";
    static final String RANDOMIZE_PASSWORD_PROPERTY = "randomize.password";

    private static final Logger LOG = LoggerFactory.getLogger(FileKeystores.class);

    /** What the component holds of Kura at the moment; each may be null. */
    interface Kura {
        ConfigurationService configurationService();

        ConfigurationAdmin configurationAdmin();

        /** Kura's data directory, as its SystemService gave it; null when unknown. */
        Path dataDirectory();
    }

    private final Kura kura;

    FileKeystores(Kura kura) {
        this.kura = kura;
    }

    /** The file the keystore {@code pid} is created over: in the bundle's folder under Kura's data directory. */
    static Path file(Path dataDirectory, String pid) {
        return dataDirectory.resolve(CacheLocation.FOLDER).resolve(pid.replaceAll("[^A-Za-z0-9._-]", "_") + ".ks");
    }

    /**
     * Creates the file KeystoreService {@code pid} unless Kura has a configuration of that name. Either way its
     * service is not registered yet, so this always ends in the exception that says what is awaited.
     *
     * @param field the property that names the keystore, for the message
     * @throws MissingServiceException always: created and awaited, configured and awaited, or not creatable now (no
     *                                 ConfigurationService, ConfigAdmin or data directory yet)
     * @throws InvalidConfigurationException when {@code pid} cannot be a kura.service.pid
     */
    void createAndAwait(String field, String pid) throws InvalidConfigurationException {
        String missing = "no KeystoreService with kura.service.pid=" + pid + " is registered";
        ConfigurationService configurationService = kura.configurationService();
        ConfigurationAdmin configurationAdmin = kura.configurationAdmin();
        Path dataDirectory = kura.dataDirectory();
        if (configurationService == null || configurationAdmin == null) {
            throw new MissingServiceException(field, missing + "; waiting for it, or for Kura's ConfigurationService "
                    + "to create it with");
        }
        if (configured(field, pid, configurationService, configurationAdmin)) {
            throw new MissingServiceException(field, missing + " yet; Kura has its configuration, waiting for it");
        }
        if (dataDirectory == null) {
            throw new MissingServiceException(field, missing + "; waiting for it, or for Kura's SystemService to "
                    + "give the data directory to create it in");
        }
        Path file = file(dataDirectory, pid);
        Map<String, Object> properties = new HashMap<>();
        properties.put(PATH_PROPERTY, file.toString());
        properties.put(RANDOMIZE_PASSWORD_PROPERTY, Boolean.TRUE);
        try {
            // The factory creates the file, not its folder.
            Files.createDirectories(file.getParent());
            configurationService.createFactoryConfiguration(FACTORY_PID, pid, properties, true);
        } catch (IOException e) {
            throw new MissingServiceException(field, missing + "; cannot create the folder of " + file + " ("
                    + e.getClass().getSimpleName() + "), waiting for one");
        } catch (KuraException e) {
            throw new MissingServiceException(field, missing + "; Kura's ConfigurationService did not create it ("
                    + e.getCode() + "), waiting for one");
        }
        LOG.info("Created Kura's file KeystoreService {} over {} (Kura creates the file and chooses its password)",
                pid, file);
        throw new MissingServiceException(field, missing + " yet; created it over " + file + ", waiting for it");
    }

    private static boolean configured(String field, String pid, ConfigurationService configurationService,
            ConfigurationAdmin configurationAdmin) throws InvalidConfigurationException {
        try {
            return configurationService.getComponentConfiguration(pid) != null
                    || configurationAdmin.listConfigurations(KuraReferences.target(pid)) != null;
        } catch (InvalidSyntaxException e) {
            throw new InvalidConfigurationException(field, "'" + pid + "' is not a valid kura.service.pid");
        } catch (KuraException | IOException e) {
            // Cannot tell, so it must not be created: a second instance of that name would fight the first.
            throw new MissingServiceException(field, "no KeystoreService with kura.service.pid=" + pid
                    + " is registered, and Kura cannot tell whether it has its configuration ("
                    + e.getClass().getSimpleName() + "); waiting for it");
        }
    }
}
