package org.eclipse.kura.security.keystore;

import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManager;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/** The read-only part of Kura's KeystoreService used to take an X.509 identity from a Kura keystore. */
@ProviderType
public interface KeystoreService {

    KeyStore getKeyStore() throws KuraException;

    KeyStore.Entry getEntry(String alias) throws KuraException;

    List<KeyManager> getKeyManagers(String algorithm) throws KuraException;

    List<String> getAliases() throws KuraException;
}
