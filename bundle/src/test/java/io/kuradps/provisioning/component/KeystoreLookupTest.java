package io.kuradps.provisioning.component;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.KeyStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.KuraErrorCode;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

class KeystoreLookupTest {

    private static final KeyStore.Entry NOT_A_KEY = new KeyStore.SecretKeyEntry(
            new javax.crypto.spec.SecretKeySpec(new byte[16], "AES"));

    @Test
    void findsTheKeystoreByKuraServicePidAndReportsWhatIsMissing() throws Exception {
        KeystoreService keystore = keystore(Map.of("secret", NOT_A_KEY));
        KeystoreLookup lookup = new KeystoreLookup(context("(kura.service.pid=SSLKeystore)", keystore));

        assertThatThrownBy(() -> lookup.privateKeyEntry("HttpsKeystore", "dps"))
                .hasMessageContaining("no KeystoreService with kura.service.pid=HttpsKeystore");
        assertThatThrownBy(() -> lookup.privateKeyEntry("SSLKeystore", "dps"))
                .hasMessageContaining("no private key entry 'dps'");
        assertThatThrownBy(() -> lookup.privateKeyEntry("SSLKeystore", "secret"))
                .hasMessageContaining("no private key entry 'secret'");
        assertThatThrownBy(() -> lookup.privateKeyEntry("SSLKeystore", "broken"))
                .hasMessageContaining("failed: INTERNAL_ERROR");
    }

    @Test
    void aMalformedPidIsNamed() {
        KeystoreLookup lookup = new KeystoreLookup(context("(kura.service.pid=SSLKeystore)", keystore(Map.of())));

        assertThatThrownBy(() -> lookup.privateKeyEntry("bad(pid", "dps")).hasMessageContaining("'bad(pid'");
    }

    private static KeystoreService keystore(Map<String, KeyStore.Entry> entries) {
        return (KeystoreService) Proxy.newProxyInstance(KeystoreLookupTest.class.getClassLoader(),
                new Class<?>[] { KeystoreService.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getEntry")) {
                        if ("broken".equals(args[0])) {
                            throw new KuraException(KuraErrorCode.INTERNAL_ERROR);
                        }
                        return entries.get(args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A bundle context that knows one KeystoreService, registered under {@code filter}. */
    private static BundleContext context(String filter, KeystoreService keystore) {
        ServiceReference<?> reference = (ServiceReference<?>) Proxy.newProxyInstance(
                KeystoreLookupTest.class.getClassLoader(), new Class<?>[] { ServiceReference.class },
                (proxy, method, args) -> null);
        return (BundleContext) Proxy.newProxyInstance(KeystoreLookupTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getServiceReferences":
                            String asked = (String) args[1];
                            if (asked.contains("(") && asked.indexOf('(', 1) > 0) {
                                throw new org.osgi.framework.InvalidSyntaxException("bad filter", asked);
                            }
                            Collection<?> found = asked.equals(filter) ? List.of(reference) : List.of();
                            return found;
                        case "getService":
                            return keystore;
                        case "ungetService":
                            return true;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
