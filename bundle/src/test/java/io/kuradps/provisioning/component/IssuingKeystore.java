package io.kuradps.provisioning.component;

import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;

/**
 * A KeystoreService that creates key pairs and CSRs as Kura's does (a self-signed placeholder certificate for the
 * new key, a PEM CSR), but whose keys stay inside it: an entry's private key is a handle that has no encoding, and
 * every attempt to read key material is counted. The calls that change entries are recorded in order. Keystores made
 * {@link #IssuingKeystore(IssuingKeystore) beside} one another stand for Kura's file keystores: one takes the other's
 * key entry with {@code setEntry} (the keystore reads the key, not the caller), and they share the count of reads.
 */
final class IssuingKeystore {

    final KeystoreService service;
    /** "createKeyPair alias", "setEntry alias", "deleteEntry alias", in call order. */
    final List<String> writes = new CopyOnWriteArrayList<>();
    /** Reads of key material: getEncoded or getFormat on a key handle, or getKeyStore. */
    final AtomicInteger keyMaterialReads;
    volatile boolean refusesKeyCreation;

    private final Map<String, KeyStore.Entry> entries = new ConcurrentHashMap<>();
    /** Every key of this keystore and of those beside it: the handle, and the key it stands for. */
    private final Map<PrivateKey, PrivateKey> secrets;

    IssuingKeystore() {
        this(new AtomicInteger(), Collections.synchronizedMap(new IdentityHashMap<>()));
    }

    /** A keystore beside {@code sibling}: each takes the other's keys, and reads of key material are counted once. */
    IssuingKeystore(IssuingKeystore sibling) {
        this(sibling.keyMaterialReads, sibling.secrets);
    }

    private IssuingKeystore(AtomicInteger keyMaterialReads, Map<PrivateKey, PrivateKey> secrets) {
        this.keyMaterialReads = keyMaterialReads;
        this.secrets = secrets;
        service = (KeystoreService) Proxy.newProxyInstance(IssuingKeystore.class.getClassLoader(),
                new Class<?>[] { KeystoreService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "createKeyPair":
                            return createKeyPair((String) args[0], (String) args[1], (Integer) args[2],
                                    (String) args[3], (String) args[4]);
                        case "getCSR":
                            if (args[0] instanceof KeyPair) {
                                throw new UnsupportedOperationException("only the alias form is used");
                            }
                            return csr((String) args[0], (X500Principal) args[1], (String) args[2]);
                        case "getEntry":
                            return entries.get((String) args[0]);
                        case "setEntry":
                            return setEntry((String) args[0], (KeyStore.Entry) args[1]);
                        case "deleteEntry":
                            // As Kura's: an alias it does not hold changes nothing and posts no event.
                            if (entries.remove((String) args[0]) != null) {
                                writes.add("deleteEntry " + args[0]);
                            }
                            return null;
                        case "getAliases":
                            return new ArrayList<>(entries.keySet());
                        case "getKeyManagers":
                            return keyManagers((String) args[0]);
                        case "getKeyStore":
                            keyMaterialReads.incrementAndGet();
                            throw new KuraException(KuraErrorCode.INTERNAL_ERROR, "keys cannot be exported");
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** An entry present before the test, e.g. the certificate a renewal must keep until the new one is stored. */
    void put(String alias, KeyStore.PrivateKeyEntry entry) {
        PrivateKey handle = handle(entry.getPrivateKey().getAlgorithm());
        secrets.put(handle, entry.getPrivateKey());
        entries.put(alias, new KeyStore.PrivateKeyEntry(handle, entry.getCertificateChain()));
    }

    KeyStore.Entry entry(String alias) {
        return entries.get(alias);
    }

    X509Certificate leaf(String alias) {
        return (X509Certificate) ((KeyStore.PrivateKeyEntry) entries.get(alias)).getCertificate();
    }

    private Object createKeyPair(String alias, String algorithm, int size, String signatureAlgorithm,
            String attributes) throws Exception {
        if (refusesKeyCreation) {
            throw new KuraException(KuraErrorCode.BAD_REQUEST);
        }
        writes.add("createKeyPair " + alias);
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(size);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name(attributes);
        Instant now = Instant.now();
        X509Certificate placeholder = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now),
                        Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic())
                        .build(new JcaContentSignerBuilder(signatureAlgorithm).build(pair.getPrivate())));
        PrivateKey handle = handle(algorithm);
        secrets.put(handle, pair.getPrivate());
        entries.put(alias, new KeyStore.PrivateKeyEntry(handle, new Certificate[] { placeholder }));
        return null;
    }

    private String csr(String alias, X500Principal principal, String signatureAlgorithm) throws Exception {
        KeyStore.PrivateKeyEntry entry = (KeyStore.PrivateKeyEntry) entries.get(alias);
        if (entry == null) {
            throw new KuraException(KuraErrorCode.NOT_FOUND);
        }
        byte[] der = new JcaPKCS10CertificationRequestBuilder(principal, entry.getCertificate().getPublicKey())
                .build(new JcaContentSignerBuilder(signatureAlgorithm).build(secrets.get(entry.getPrivateKey())))
                .getEncoded();
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private Object setEntry(String alias, KeyStore.Entry entry) {
        if (entry instanceof KeyStore.PrivateKeyEntry
                && !secrets.containsKey(((KeyStore.PrivateKeyEntry) entry).getPrivateKey())) {
            throw new IllegalArgumentException("a private key that did not come from these keystores");
        }
        writes.add("setEntry " + alias);
        entries.put(alias, entry);
        return null;
    }

    private Object keyManagers(String algorithm) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Map.Entry<String, KeyStore.Entry> entry : entries.entrySet()) {
            if (entry.getValue() instanceof KeyStore.PrivateKeyEntry) {
                KeyStore.PrivateKeyEntry key = (KeyStore.PrivateKeyEntry) entry.getValue();
                store.setKeyEntry(entry.getKey(), secrets.get(key.getPrivateKey()), KeystoreDoubles.PASSWORD,
                        key.getCertificateChain());
            }
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(algorithm);
        factory.init(store, KeystoreDoubles.PASSWORD);
        return Arrays.asList(factory.getKeyManagers());
    }

    /** Stands for a key inside the keystore: usable by it, unreadable outside, and every read is counted. */
    private PrivateKey handle(String algorithm) {
        return KeystoreDoubles.handle(algorithm, keyMaterialReads::incrementAndGet);
    }
}
