package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * When the provisioner creates a keystore, and when it only waits for one: never a second instance of a name Kura
 * has a configuration of (tracked, or in ConfigAdmin from the snapshot and still activating), never without Kura's
 * ConfigurationService, ConfigAdmin and data directory, and every outcome a wait that names what it waits for.
 */
class FileKeystoresTest {

    @TempDir
    Path kuraData;

    private final List<String> created = new CopyOnWriteArrayList<>();
    private ComponentConfiguration tracked;
    private Configuration[] inConfigAdmin;
    private KuraException refusal;

    @Test
    void aKeystoreKuraHasNoConfigurationOfIsCreatedAndAwaited() {
        assertThatThrownBy(() -> keystores(kuraData).createAndAwait("certificate.keystore.service.pid", "K"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("certificate.keystore.service.pid: no KeystoreService with kura.service.pid=K is "
                        + "registered yet; created it over " + kuraData.resolve("kura-dps/K.ks") + ", waiting for it");
        assertThat(created).containsExactly("K");
    }

    @Test
    void aKeystoreKuraTracksOrRestoredFromItsSnapshotIsAwaitedNeverCreatedTwice() {
        tracked = (ComponentConfiguration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ComponentConfiguration.class }, (p, m, a) -> null);
        assertThatThrownBy(() -> keystores(kuraData).createAndAwait("f", "K"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("f: no KeystoreService with kura.service.pid=K is registered yet; Kura has its "
                        + "configuration, waiting for it");

        tracked = null;
        inConfigAdmin = new Configuration[1];
        assertThatThrownBy(() -> keystores(kuraData).createAndAwait("f", "K"))
                .hasMessageEndingWith("Kura has its configuration, waiting for it");
        assertThat(created).isEmpty();
    }

    @Test
    void withoutWhatItNeedsToCreateOneItOnlyWaits() {
        FileKeystores.Kura none = kura(null, null, null);
        assertThatThrownBy(() -> new FileKeystores(none).createAndAwait("f", "K"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessage("f: no KeystoreService with kura.service.pid=K is registered; waiting for it, or for "
                        + "Kura's ConfigurationService to create it with");
        assertThatThrownBy(() -> keystores(null).createAndAwait("f", "K"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessageEndingWith("waiting for it, or for Kura's SystemService to give the data directory to "
                        + "create it in");
        refusal = new KuraException(KuraErrorCode.INVALID_PARAMETER);
        assertThatThrownBy(() -> keystores(kuraData).createAndAwait("f", "K"))
                .isInstanceOf(MissingServiceException.class)
                .hasMessageEndingWith("Kura's ConfigurationService did not create it (INVALID_PARAMETER), waiting for "
                        + "one");
        assertThat(created).isEmpty();
    }

    @Test
    void aPidThatCannotBeAFilterIsAConfigurationError() {
        assertThatThrownBy(() -> keystores(kuraData).createAndAwait("f", "K(1"))
                .isNotInstanceOf(MissingServiceException.class)
                .hasMessage("f: 'K(1' is not a valid kura.service.pid");
    }

    @Test
    void theFileIsNamedAfterThePidInTheBundlesFolder() {
        assertThat(FileKeystores.file(kuraData, "Kura Dps/Keystore")).isEqualTo(
                kuraData.resolve("kura-dps").resolve("Kura_Dps_Keystore.ks"));
    }

    private FileKeystores keystores(Path dataDirectory) {
        ConfigurationService service = (ConfigurationService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationService.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getComponentConfiguration")) {
                        return tracked;
                    }
                    if (refusal != null) {
                        throw refusal;
                    }
                    created.add((String) args[1]);
                    return null;
                });
        ConfigurationAdmin admin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> {
                    org.osgi.framework.FrameworkUtil.createFilter((String) args[0]);
                    return inConfigAdmin;
                });
        return new FileKeystores(kura(service, admin, dataDirectory));
    }

    private static FileKeystores.Kura kura(ConfigurationService service, ConfigurationAdmin admin, Path directory) {
        return new FileKeystores.Kura() {
            @Override
            public ConfigurationService configurationService() {
                return service;
            }

            @Override
            public ConfigurationAdmin configurationAdmin() {
                return admin;
            }

            @Override
            public Path dataDirectory() {
                return directory;
            }
        };
    }
}
