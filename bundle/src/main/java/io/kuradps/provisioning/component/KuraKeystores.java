package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.component.ProvisioningConfig.F_CA_KEYSTORE_PID;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_KEYSTORE_ALIAS;
import static io.kuradps.provisioning.component.ProvisioningConfig.F_KEYSTORE_PID;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.transport.AliasKeyManager;

/**
 * Kura's KeystoreServices, chosen by kura.service.pid: the device's X.509 identity, CA certificates to trust, and
 * the keystores of certificate issuance. The identity goes through the service's own key managers, never a copy of
 * the key entry, so a key that cannot leave its store (a PKCS#11 token, Kura 5.2 and later) still signs. Looked up at
 * each registration rather than referenced, since the pid is configuration and Kura may add keystores later; a CA
 * added in Kura's certificate page therefore applies from the next registration on. A keystore that is not
 * registered is waited for ({@link MissingServiceException}); the keystores of certificate issuance are created
 * first when Kura has none of that name ({@link FileKeystores}).
 */
final class KuraKeystores {

    /** What is done with a keystore while it is held; may fail with Kura's or the JDK's exceptions. */
    interface Use<T> {
        T apply(KeystoreService keystore) throws KuraException, GeneralSecurityException,
                InvalidConfigurationException;
    }

    private final BundleContext context;
    /** Creates the keystores of certificate issuance that Kura does not have; null where none may be created. */
    private final FileKeystores creator;

    /** Keystores found only: none is ever created. */
    KuraKeystores(BundleContext context) {
        this(context, null);
    }

    KuraKeystores(BundleContext context, FileKeystores creator) {
        this.context = context;
        this.creator = creator;
    }

    /** A key manager presenting the key entry {@code alias} of the KeystoreService {@code pid}, and only it. */
    KeyManager[] identity(String pid, String alias) throws InvalidConfigurationException {
        return withKeystore(F_KEYSTORE_PID, pid, keystore -> {
            List<KeyManager> managers = keystore.getKeyManagers(KeyManagerFactory.getDefaultAlgorithm());
            Optional<AliasKeyManager> selected = AliasKeyManager.forAlias(managers, alias);
            if (!selected.isPresent()) {
                Set<String> keys = AliasKeyManager.keyAliases(managers);
                throw new InvalidConfigurationException(F_KEYSTORE_ALIAS, "'" + alias
                        + "' is not a key entry (private key with certificate chain) of KeystoreService " + pid
                        + (keys.isEmpty() ? ", which has none" : "; its key entries: " + String.join(", ", keys)));
            }
            return new KeyManager[] { selected.get() };
        });
    }

    /** The trusted certificate entries of the KeystoreService {@code pid}; its key entries are not touched. */
    List<X509Certificate> trustedCertificates(String pid) throws InvalidConfigurationException {
        return withKeystore(F_CA_KEYSTORE_PID, pid, keystore -> {
            KeyStore store = keystore.getKeyStore();
            List<X509Certificate> certificates = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.isCertificateEntry(alias) ? store.getCertificate(alias) : null;
                if (certificate instanceof X509Certificate) {
                    certificates.add((X509Certificate) certificate);
                }
            }
            if (certificates.isEmpty()) {
                throw new InvalidConfigurationException(F_CA_KEYSTORE_PID,
                        "KeystoreService " + pid + " holds no trusted certificate entry");
            }
            return certificates;
        });
    }

    /**
     * Applies {@code use} to the KeystoreService that keeps the issued certificate, or to the one where a new key
     * waits for its certificate ({@link CertificateRequest#PENDING_KEYSTORE_PID}); either is created when Kura has
     * none of that name.
     */
    <T> T certificateKeystore(String pid, Use<T> use) throws InvalidConfigurationException {
        return withKeystore(F_CERTIFICATE_KEYSTORE_PID, pid, true, use);
    }

    private <T> T withKeystore(String field, String pid, Use<T> use) throws InvalidConfigurationException {
        return withKeystore(field, pid, false, use);
    }

    /**
     * Finds the KeystoreService with kura.service.pid={@code pid} and applies {@code use} while holding it.
     *
     * @throws MissingServiceException when none is registered (after creating it, when it may be created)
     */
    private <T> T withKeystore(String field, String pid, boolean creatable, Use<T> use)
            throws InvalidConfigurationException {
        Collection<ServiceReference<KeystoreService>> references;
        try {
            references = context.getServiceReferences(KeystoreService.class, KuraReferences.target(pid));
        } catch (InvalidSyntaxException e) {
            throw new InvalidConfigurationException(field, "'" + pid + "' is not a valid kura.service.pid");
        }
        if (references.isEmpty()) {
            if (creatable && creator != null) {
                creator.createAndAwait(field, pid);
            }
            throw new MissingServiceException(field, "no KeystoreService with kura.service.pid=" + pid
                    + " is registered; waiting for it");
        }
        ServiceReference<KeystoreService> reference = references.iterator().next();
        KeystoreService keystore = context.getService(reference);
        if (keystore == null) {
            throw new MissingServiceException(field, "KeystoreService " + pid + " went away; waiting for it");
        }
        try {
            return use.apply(keystore);
        } catch (KuraException e) {
            throw new InvalidConfigurationException(field, "KeystoreService " + pid + " failed: " + e.getCode());
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigurationException(field, "KeystoreService " + pid + " failed: " + e.getMessage());
        } finally {
            context.ungetService(reference);
        }
    }
}
