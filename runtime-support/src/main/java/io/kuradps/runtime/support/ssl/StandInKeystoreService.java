package io.kuradps.runtime.support.ssl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStore.Entry;
import java.security.KeyStore.PasswordProtection;
import java.security.KeyStore.PrivateKeyEntry;
import java.security.KeyStore.SecretKeyEntry;
import java.security.KeyStore.TrustedCertificateEntry;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.operator.OperatorCreationException;
import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

import io.kuradps.runtime.support.crypto.PasswordProperties;

/**
 * Kura's file keystore (FilesystemKeystoreServiceImpl, 5.0) for a runtime without Kura: one instance per factory
 * configuration, named by its kura.service.pid (Kura's own are {@code SSLKeystore} and {@code HttpsKeystore}).
 * As in Kura the file must exist (nothing creates it: every call fails with BAD_REQUEST until it does), it is read
 * anew at every call, key entries are protected with the keystore password, and each change posts
 * {@link KeystoreChangedEvent} naming this instance. Key pairs and CSRs are made as Kura makes them
 * ({@link KeyPairCertificates}); CRLs are not offered.
 */
@Component(name = StandInKeystoreService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        enabled = false, service = { KeystoreService.class, ConfigurableComponent.class })
@Designate(ocd = KeystoreDefinition.class, factory = true)
public final class StandInKeystoreService implements KeystoreService, ConfigurableComponent {

    /** Kura's factory PID for file keystores. */
    public static final String FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    public static final String PATH_PROPERTY = "keystore.path";
    public static final String PASSWORD_PROPERTY = "keystore.password";

    @Reference
    private CryptoService cryptoService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile Path path;
    private volatile char[] password;
    private volatile String ownPid;

    /** For Declarative Services. */
    public StandInKeystoreService() {
    }

    /** Without a framework: configured with those properties (as ConfigAdmin holds them). */
    public StandInKeystoreService(CryptoService crypto, Map<String, Object> properties) {
        this.cryptoService = crypto;
        activate(properties);
    }

    @Activate
    @Modified
    void activate(Map<String, Object> properties) {
        Object configuredPath = properties.get(PATH_PROPERTY);
        this.path = Paths.get(configuredPath == null ? "/tmp" : configuredPath.toString());
        this.password = PasswordProperties.clear(properties.get(PASSWORD_PROPERTY), this.cryptoService);
        Object pid = properties.get(ConfigurationService.KURA_SERVICE_PID);
        this.ownPid = pid == null ? null : pid.toString();
    }

    @Override
    public synchronized KeyStore getKeyStore() throws KuraException {
        try (InputStream in = Files.newInputStream(this.path)) {
            KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
            keyStore.load(in, this.password);
            return keyStore;
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the KeyStore " + this.path);
        }
    }

    @Override
    public Entry getEntry(String alias) throws KuraException {
        if (alias == null) {
            throw new IllegalArgumentException("alias cannot be null");
        }
        KeyStore keyStore = getKeyStore();
        try {
            boolean keyEntry = keyStore.entryInstanceOf(alias, PrivateKeyEntry.class)
                    || keyStore.entryInstanceOf(alias, SecretKeyEntry.class);
            return keyStore.getEntry(alias, keyEntry ? new PasswordProtection(this.password) : null);
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the entry " + alias);
        }
    }

    @Override
    public Map<String, Entry> getEntries() throws KuraException {
        Map<String, Entry> entries = new HashMap<>();
        for (String alias : getAliases()) {
            entries.put(alias, getEntry(alias));
        }
        return entries;
    }

    @Override
    public List<String> getAliases() throws KuraException {
        try {
            return Collections.list(getKeyStore().aliases());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get aliases");
        }
    }

    @Override
    public synchronized void setEntry(String alias, Entry entry) throws KuraException {
        if (alias == null || alias.trim().isEmpty() || entry == null) {
            throw new IllegalArgumentException("alias and entry cannot be null or empty");
        }
        KeyStore keyStore = getKeyStore();
        try {
            keyStore.setEntry(alias, entry,
                    entry instanceof TrustedCertificateEntry ? null : new PasswordProtection(this.password));
            save(keyStore);
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to set the entry " + alias);
        }
        postChanged();
    }

    @Override
    public synchronized void deleteEntry(String alias) throws KuraException {
        if (alias == null) {
            throw new IllegalArgumentException("alias cannot be null");
        }
        KeyStore keyStore = getKeyStore();
        try {
            if (!keyStore.containsAlias(alias)) {
                return;
            }
            keyStore.deleteEntry(alias);
            save(keyStore);
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to delete the entry " + alias);
        }
        postChanged();
    }

    @Override
    public List<KeyManager> getKeyManagers(String algorithm) throws KuraException {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm cannot be null");
        }
        KeyStore keyStore = getKeyStore();
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
            factory.init(keyStore, this.password);
            return Arrays.asList(factory.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the key managers for " + algorithm);
        }
    }

    private void save(KeyStore keyStore) throws IOException, GeneralSecurityException {
        // Written beside the file, then moved over it, so that a reader never sees half a keystore.
        Path directory = this.path.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, this.path.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            keyStore.store(out, this.password);
        }
        Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void postChanged() {
        EventAdmin events = this.eventAdmin;
        if (events != null && this.ownPid != null) {
            events.postEvent(new KeystoreChangedEvent(this.ownPid));
        }
    }

    @Override
    public void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm,
            String attributes) throws KuraException {
        createKeyPair(alias, algorithm, keySize, signatureAlgorithm, attributes, new SecureRandom());
    }

    /** As Kura: a new key pair stored under alias with a self-signed certificate for {@code attributes}. */
    @Override
    public void createKeyPair(String alias, String algorithm, int keySize, String signatureAlgorithm,
            String attributes, SecureRandom secureRandom) throws KuraException {
        if (blank(alias) || blank(algorithm) || blank(signatureAlgorithm) || blank(attributes)
                || secureRandom == null) {
            throw new IllegalArgumentException("Parameters cannot be null or empty!");
        }
        PrivateKeyEntry entry;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(keySize, secureRandom);
            KeyPair keyPair = generator.generateKeyPair();
            entry = new PrivateKeyEntry(keyPair.getPrivate(), new Certificate[] {
                KeyPairCertificates.selfSigned(keyPair, signatureAlgorithm, attributes) });
        } catch (GeneralSecurityException | OperatorCreationException e) {
            // As Kura: an unknown signature algorithm is BouncyCastle's IllegalArgumentException, not caught.
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to create the key pair " + alias);
        }
        setEntry(alias, entry);
    }

    @Override
    public String getCSR(KeyPair keyPair, X500Principal principal, String signerAlg) throws KuraException {
        if (keyPair == null || principal == null || blank(signerAlg)) {
            throw new IllegalArgumentException("Input parameters cannot be null!");
        }
        try {
            return KeyPairCertificates.csrPem(keyPair, principal, signerAlg);
        } catch (OperatorCreationException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get CSR");
        } catch (IOException e) {
            throw new KuraException(KuraErrorCode.ENCODE_ERROR, e, "Failed to get CSR");
        }
    }

    /** As Kura: NOT_FOUND for no entry, BAD_REQUEST for one that is not a key entry. */
    @Override
    public String getCSR(String alias, X500Principal principal, String signerAlg) throws KuraException {
        if (blank(alias) || principal == null || blank(signerAlg)) {
            throw new IllegalArgumentException("Input parameters cannot be null!");
        }
        Entry entry = getEntry(alias);
        if (entry == null) {
            throw new KuraException(KuraErrorCode.NOT_FOUND);
        }
        if (!(entry instanceof PrivateKeyEntry)) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST);
        }
        PrivateKeyEntry key = (PrivateKeyEntry) entry;
        return getCSR(new KeyPair(key.getCertificate().getPublicKey(), key.getPrivateKey()), principal, signerAlg);
    }

    private static boolean blank(String value) {
        return value == null || value.trim().isEmpty();
    }

    @Override
    public Collection<CRL> getCRLs() {
        throw notOffered("CRLs");
    }

    @Override
    public CertStore getCRLStore() {
        throw notOffered("CRLs");
    }

    private static UnsupportedOperationException notOffered(String what) {
        return new UnsupportedOperationException("the stand-in KeystoreService does not offer " + what);
    }
}
