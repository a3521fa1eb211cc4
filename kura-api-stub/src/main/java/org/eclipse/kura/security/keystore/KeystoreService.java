package org.eclipse.kura.security.keystore;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.security.auth.x500.X500Principal;

import org.eclipse.kura.KuraException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every method of Kura 5.0's KeystoreService, so that a stand-in implementation compiles here only if it would
 * compile against Kura. Since Kura 5.2 the key of an entry may be non-extractable (PKCS#11): getKeyManagers is
 * the way to use it.
 */
@ProviderType
public interface KeystoreService {

    KeyStore getKeyStore() throws KuraException;

    KeyStore.Entry getEntry(String alias) throws KuraException;

    void setEntry(String alias, KeyStore.Entry entry) throws KuraException;

    Map<String, KeyStore.Entry> getEntries() throws KuraException;

    void deleteEntry(String alias) throws KuraException;

    List<KeyManager> getKeyManagers(String algorithm) throws KuraException;

    void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm, String attributes)
            throws KuraException;

    void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm, String attributes,
            SecureRandom secureRandom) throws KuraException;

    /** A certificate signing request for the key pair, as text. */
    String getCSR(KeyPair keyPair, X500Principal principal, String signerAlg) throws KuraException;

    /** A certificate signing request for the key pair stored under alias, as text. */
    String getCSR(String alias, X500Principal principal, String signerAlg) throws KuraException;

    List<String> getAliases() throws KuraException;

    Collection<CRL> getCRLs() throws KuraException;

    CertStore getCRLStore() throws KuraException;
}
