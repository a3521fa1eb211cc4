package io.kuradps.provisioning.component;

import java.lang.reflect.Proxy;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Kura KeystoreServices as they behave on a gateway, and a bundle context that finds them by kura.service.pid. */
final class KeystoreDoubles {

    static final char[] PASSWORD = "keystore".toCharArray();

    private KeystoreDoubles() {
    }

    /** A store holding {@code keys} (alias, entry) and trusted {@code certificates} (alias, certificate). */
    static KeyStore store(Map<String, KeyStore.PrivateKeyEntry> keys, Map<String, X509Certificate> certificates)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Map.Entry<String, KeyStore.PrivateKeyEntry> key : keys.entrySet()) {
            store.setEntry(key.getKey(), key.getValue(), new KeyStore.PasswordProtection(PASSWORD));
        }
        for (Map.Entry<String, X509Certificate> certificate : certificates.entrySet()) {
            store.setCertificateEntry(certificate.getKey(), certificate.getValue());
        }
        return store;
    }

    /**
     * Like a PKCS#11 KeystoreService (Kura 5.2+): its key managers sign with the keys, but no key leaves the store.
     * getEntry gives key entries whose private key has no encoding, and getKeyStore fails.
     */
    static KeystoreService nonExtractable(KeyStore store) {
        return keystore((method, args) -> {
            switch (method) {
                case "getKeyManagers":
                    KeyManagerFactory factory = KeyManagerFactory.getInstance((String) args[0]);
                    factory.init(store, PASSWORD);
                    return Arrays.asList(factory.getKeyManagers());
                case "getAliases":
                    return Collections.list(store.aliases());
                case "getEntry":
                    String alias = (String) args[0];
                    if (!store.isKeyEntry(alias)) {
                        return store.getEntry(alias, null);
                    }
                    X509Certificate[] chain = Arrays.stream(store.getCertificateChain(alias))
                            .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
                    return new KeyStore.PrivateKeyEntry(handle(chain[0].getPublicKey().getAlgorithm(), () -> { }),
                            chain);
                case "getKeyStore":
                    throw new KuraException(KuraErrorCode.INTERNAL_ERROR, "keys cannot be exported");
                default:
                    throw new UnsupportedOperationException(method);
            }
        });
    }

    /** A KeystoreService that answers only getKeyStore, as Kura's SslManagerService reads its trust store. */
    static KeystoreService readableStore(KeyStore store) {
        return keystore((method, args) -> {
            if (method.equals("getKeyStore")) {
                return store;
            }
            throw new UnsupportedOperationException(method);
        });
    }

    /** A KeystoreService whose every call fails as a broken Kura keystore does. */
    static KeystoreService failing() {
        return keystore((method, args) -> {
            throw new KuraException(KuraErrorCode.INTERNAL_ERROR);
        });
    }

    /** A bundle context that knows {@code keystores} by their kura.service.pid. */
    static BundleContext context(Map<String, KeystoreService> keystores) {
        return (BundleContext) Proxy.newProxyInstance(KeystoreDoubles.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getServiceReferences":
                            String filter = (String) args[1];
                            if (filter.indexOf('(', 1) > 0) {
                                throw new InvalidSyntaxException("bad filter", filter);
                            }
                            String pid = filter.substring("(kura.service.pid=".length(), filter.length() - 1);
                            Collection<?> found = keystores.containsKey(pid) ? List.of(reference(pid))
                                    : List.of();
                            return found;
                        case "getService":
                            return keystores.get(((ServiceReference<?>) args[0]).getProperty("kura.service.pid"));
                        case "ungetService":
                            return true;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    private static KeystoreService keystore(Answer answer) {
        return (KeystoreService) Proxy.newProxyInstance(KeystoreDoubles.class.getClassLoader(),
                new Class<?>[] { KeystoreService.class },
                (proxy, method, args) -> answer.answer(method.getName(), args));
    }

    private static ServiceReference<?> reference(String pid) {
        return (ServiceReference<?>) Proxy.newProxyInstance(KeystoreDoubles.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class },
                (proxy, method, args) -> method.getName().equals("getProperty") ? pid : null);
    }

    /**
     * A private key object that stands for a key inside a token: usable there, never encodable; {@code onRead} runs
     * at every attempt to read its material.
     */
    static PrivateKey handle(String algorithm, Runnable onRead) {
        return new PrivateKey() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getAlgorithm() {
                return algorithm;
            }

            @Override
            public String getFormat() {
                onRead.run();
                return null;
            }

            @Override
            public byte[] getEncoded() {
                onRead.run();
                return null;
            }
        };
    }
}
