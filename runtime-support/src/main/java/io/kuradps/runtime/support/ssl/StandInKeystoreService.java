package io.kuradps.runtime.support.ssl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.math.BigInteger;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.operator.OperatorCreationException;
import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's file keystore (FilesystemKeystoreServiceImpl, 5.5) for a runtime without Kura: one instance per factory
 * configuration, named by its kura.service.pid (Kura's own are {@code SSLKeystore} and {@code HttpsKeystore}).
 * As in Kura (runtime-support/README.md has each fact and its source):
 * <ul>
 * <li>at activation, and when {@code keystore.path} changes, a path that is no file gets a new, empty keystore
 * with the configured password; an existing file that is no keystore (a 0-byte one, say) is left as it is, and
 * every call then fails with BAD_REQUEST "Failed to get the KeyStore";</li>
 * <li>the file is loaded anew at every call, with {@code keystore.password} (decrypted, raw if that fails), or else
 * with the password the CryptoService keeps for that path; the one that opened it is then kept there;</li>
 * <li>{@code randomize.password=true} gives the keystore a random password at activation, keeps it in the
 * CryptoService and writes it back through the ConfigurationService ({@code keystore.password} as a Password,
 * {@code randomize.password=false}), retried each second until that PID is tracked;</li>
 * <li>a changed {@code keystore.password} on the same path re-protects the keystore with it;</li>
 * <li>key entries are protected with the keystore password, and each change posts {@link KeystoreChangedEvent}
 * naming this instance.</li>
 * </ul>
 * Key pairs and CSRs are made as Kura makes them ({@link KeyPairCertificates}); CRLs are not offered. Deviation:
 * the ConfigurationService is optional here (mandatory in Kura), so the keystore also serves a framework without
 * the ConfigurationService stand-in; a random password is then kept only in the CryptoService.
 */
@Component(name = StandInKeystoreService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        enabled = false, service = { KeystoreService.class, ConfigurableComponent.class })
@Designate(ocd = KeystoreDefinition.class, factory = true)
public final class StandInKeystoreService implements KeystoreService, ConfigurableComponent {

    /** Kura's factory PID for file keystores. */
    public static final String FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    public static final String PATH_PROPERTY = "keystore.path";
    public static final String PASSWORD_PROPERTY = "keystore.password";
    public static final String RANDOMIZE_PASSWORD_PROPERTY = "randomize.password";

    private static final Logger LOG = LoggerFactory.getLogger(StandInKeystoreService.class);
    private static final long PASSWORD_WRITE_BACK_PERIOD_MILLIS = 1000;

    @Reference
    private CryptoService cryptoService;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationService configurationService;

    private volatile KeystoreOptions options;
    private ScheduledExecutorService passwordWriteBack;

    /** For Declarative Services. */
    public StandInKeystoreService() {
    }

    /** Without a framework: configured with those properties (as ConfigAdmin holds them). */
    public StandInKeystoreService(CryptoService crypto, Map<String, Object> properties) {
        this.cryptoService = crypto;
        activate(properties);
    }

    /** Without a framework: as above, writing a random password back through that ConfigurationService. */
    StandInKeystoreService(CryptoService crypto, ConfigurationService configuration, Map<String, Object> properties) {
        this.cryptoService = crypto;
        this.configurationService = configuration;
        activate(properties);
    }

    @Activate
    synchronized void activate(Map<String, Object> properties) {
        this.options = KeystoreOptions.of(properties, this.cryptoService);
        createWhenMissing(this.options);
        if (this.options.randomizePassword()) {
            randomizePassword();
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        KeystoreOptions changed = KeystoreOptions.of(properties, this.cryptoService);
        if (!changed.path().equals(this.options.path())) {
            createWhenMissing(changed);
        } else if (!Arrays.equals(changed.password(), this.options.password())) {
            try {
                Loaded current = load(this.options);
                if (!Arrays.equals(current.password, changed.password())) {
                    protectWith(current, changed.password());
                }
            } catch (KuraException | GeneralSecurityException | IOException e) {
                LOG.warn("Cannot give the keystore {} its new password: {}", changed.path(), e.getMessage());
            }
        }
        this.options = changed;
    }

    @Deactivate
    synchronized void deactivate() {
        if (this.passwordWriteBack != null) {
            this.passwordWriteBack.shutdownNow();
            this.passwordWriteBack = null;
        }
    }

    /** As Kura: a path that is no file gets an empty keystore with the configured password. */
    private void createWhenMissing(KeystoreOptions created) {
        if (Files.isRegularFile(created.path())) {
            return;
        }
        try {
            KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
            empty.load(null, created.password());
            Files.createFile(created.path());
            write(empty, created.password(), created.path());
            this.cryptoService.setKeyStorePassword(created.path().toString(), created.password());
        } catch (GeneralSecurityException | IOException | KuraException e) {
            LOG.error("Keystore file creation failed at {}: {}", created.path(), e.getMessage());
        }
    }

    /** As Kura's setRandomPassword: a fresh password, the keystore re-protected, written back to the configuration. */
    private void randomizePassword() {
        char[] fresh = new BigInteger(160, new SecureRandom()).toString(32).toCharArray();
        try {
            protectWith(load(this.options), fresh);
            this.options = this.options.withPassword(new String(this.cryptoService.encryptAes(fresh)), this.cryptoService);
        } catch (KuraException | GeneralSecurityException | IOException e) {
            LOG.warn("Keystore password change failed for {}: {}", this.options.path(), e.getMessage());
            return;
        }
        Map<String, Object> written = new HashMap<>(this.options.properties());
        written.put(PASSWORD_PROPERTY, new Password(fresh));
        written.put(RANDOMIZE_PASSWORD_PROPERTY, false);
        String pid = this.options.pid();
        this.passwordWriteBack = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "keystore password write-back " + pid);
            thread.setDaemon(true);
            return thread;
        });
        this.passwordWriteBack.scheduleAtFixedRate(() -> writeBack(pid, written), PASSWORD_WRITE_BACK_PERIOD_MILLIS,
                PASSWORD_WRITE_BACK_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Once the ConfigurationService tracks the PID with its definition, writes and ends the task. */
    private void writeBack(String pid, Map<String, Object> written) {
        ConfigurationService configuration = this.configurationService;
        try {
            ComponentConfiguration tracked = configuration == null || pid == null ? null
                    : configuration.getComponentConfiguration(pid);
            if (tracked == null || tracked.getDefinition() == null) {
                return;
            }
            configuration.updateConfiguration(pid, written);
        } catch (KuraException e) {
            LOG.warn("Cannot write the keystore password of {} back: {}", pid, e.getMessage());
            return;
        }
        throw new IllegalStateException("written back; the task ends");
    }

    /** Every key entry re-protected and the file saved with {@code password}, which the CryptoService then keeps. */
    private void protectWith(Loaded loaded, char[] password) throws GeneralSecurityException, IOException,
            KuraException {
        for (String alias : Collections.list(loaded.keyStore.aliases())) {
            if (loaded.keyStore.isKeyEntry(alias)) {
                Entry entry = loaded.keyStore.getEntry(alias, new PasswordProtection(loaded.password));
                loaded.keyStore.setEntry(alias, entry, new PasswordProtection(password));
            }
        }
        write(loaded.keyStore, password, loaded.path);
        this.cryptoService.setKeyStorePassword(loaded.path.toString(), password);
    }

    /**
     * As Kura: with the configured password, else the one the CryptoService keeps for the path, which then keeps
     * the one that opened it.
     */
    private Loaded load(KeystoreOptions current) throws KuraException {
        List<char[]> passwords = new ArrayList<>();
        passwords.add(current.password());
        char[] kept = null;
        try {
            kept = this.cryptoService.getKeyStorePassword(current.path().toString());
        } catch (RuntimeException notKept) {
            LOG.debug("No keystore password kept: {}", notKept.getMessage());
        }
        if (kept != null) {
            passwords.add(kept);
        }
        for (char[] password : passwords) {
            try (InputStream in = Files.newInputStream(current.path())) {
                KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
                keyStore.load(in, password);
                if (!Arrays.equals(kept, password)) {
                    this.cryptoService.setKeyStorePassword(current.path().toString(), password);
                }
                return new Loaded(keyStore, password, current.path());
            } catch (GeneralSecurityException | IOException e) {
                LOG.debug("The keystore {} does not open with this password: {}", current.path(), e.getMessage());
            }
        }
        throw new KuraException(KuraErrorCode.BAD_REQUEST, "Failed to get the KeyStore");
    }

    private Loaded load() throws KuraException {
        return load(this.options);
    }

    @Override
    public synchronized KeyStore getKeyStore() throws KuraException {
        return load().keyStore;
    }

    @Override
    public synchronized Entry getEntry(String alias) throws KuraException {
        if (alias == null) {
            throw new IllegalArgumentException("alias cannot be null");
        }
        Loaded loaded = load();
        KeyStore keyStore = loaded.keyStore;
        try {
            boolean keyEntry = keyStore.entryInstanceOf(alias, PrivateKeyEntry.class)
                    || keyStore.entryInstanceOf(alias, SecretKeyEntry.class);
            return keyStore.getEntry(alias, keyEntry ? new PasswordProtection(loaded.password) : null);
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
        Loaded loaded = load();
        try {
            loaded.keyStore.setEntry(alias, entry,
                    entry instanceof TrustedCertificateEntry ? null : new PasswordProtection(loaded.password));
            write(loaded.keyStore, loaded.password, loaded.path);
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
        Loaded loaded = load();
        try {
            if (!loaded.keyStore.containsAlias(alias)) {
                return;
            }
            loaded.keyStore.deleteEntry(alias);
            write(loaded.keyStore, loaded.password, loaded.path);
        } catch (GeneralSecurityException | IOException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to delete the entry " + alias);
        }
        postChanged();
    }

    @Override
    public synchronized List<KeyManager> getKeyManagers(String algorithm) throws KuraException {
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm cannot be null");
        }
        Loaded loaded = load();
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
            factory.init(loaded.keyStore, loaded.password);
            return Arrays.asList(factory.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST, e, "Failed to get the key managers for " + algorithm);
        }
    }

    /** Written beside the file, then moved over it, so that a reader never sees half a keystore. */
    private static void write(KeyStore keyStore, char[] password, Path path) throws IOException,
            GeneralSecurityException {
        Path directory = path.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, path.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            keyStore.store(out, password);
        }
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void postChanged() {
        EventAdmin events = this.eventAdmin;
        String pid = this.options.pid();
        if (events != null && pid != null) {
            events.postEvent(new KeystoreChangedEvent(pid));
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

    /** A keystore as loaded, with the password that opened it and its file. */
    private static final class Loaded {

        final KeyStore keyStore;
        final char[] password;
        final Path path;

        Loaded(KeyStore keyStore, char[] password, Path path) {
            this.keyStore = keyStore;
            this.password = password;
            this.path = path;
        }
    }
}
