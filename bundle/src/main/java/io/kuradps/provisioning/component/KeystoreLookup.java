package io.kuradps.provisioning.component;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collection;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Takes the device's private key entry from a Kura KeystoreService chosen by its kura.service.pid. Looked up at
 * each registration rather than referenced, since the pid is configuration and Kura may add keystores later.
 */
class KeystoreLookup {

    private final BundleContext context;

    KeystoreLookup(BundleContext context) {
        this.context = context;
    }

    /** @throws GeneralSecurityException naming the pid or alias that was not found */
    KeyStore.PrivateKeyEntry privateKeyEntry(String keystorePid, String alias) throws GeneralSecurityException {
        Collection<ServiceReference<KeystoreService>> references;
        try {
            references = context.getServiceReferences(KeystoreService.class,
                    "(" + ConfigurationService.KURA_SERVICE_PID + "=" + keystorePid + ")");
        } catch (InvalidSyntaxException e) {
            throw new GeneralSecurityException("keystore service pid '" + keystorePid + "' is not a valid name");
        }
        if (references.isEmpty()) {
            throw new GeneralSecurityException("no KeystoreService with kura.service.pid=" + keystorePid);
        }
        ServiceReference<KeystoreService> reference = references.iterator().next();
        KeystoreService keystore = context.getService(reference);
        if (keystore == null) {
            throw new GeneralSecurityException("KeystoreService " + keystorePid + " went away");
        }
        try {
            KeyStore.Entry entry = keystore.getEntry(alias);
            if (!(entry instanceof KeyStore.PrivateKeyEntry)) {
                throw new GeneralSecurityException("KeystoreService " + keystorePid + " has no private key entry '"
                        + alias + "'");
            }
            return (KeyStore.PrivateKeyEntry) entry;
        } catch (org.eclipse.kura.KuraException e) {
            throw new GeneralSecurityException("KeystoreService " + keystorePid + " failed: " + e.getCode());
        } finally {
            context.ungetService(reference);
        }
    }
}
