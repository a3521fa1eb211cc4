package io.kuradps.provisioning.transport;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Presents exactly one key entry of a key manager as the client identity, however many the store holds. The key
 * itself is never read out: the TLS stack takes the key object from the store's own key manager and signs through
 * that store's provider, so a key that cannot leave its token (PKCS#11 behind a Kura KeystoreService) works.
 */
public final class AliasKeyManager extends X509ExtendedKeyManager {

    /** The key types the JDK asks for in TLS 1.2 and 1.3 client authentication. */
    private static final String[] KEY_TYPES = { "RSA", "RSASSA-PSS", "EC", "EdDSA", "DSA" };

    private final X509KeyManager delegate;
    private final String alias;

    private AliasKeyManager(X509KeyManager delegate, String alias) {
        this.delegate = delegate;
        this.alias = alias;
    }

    /**
     * The key manager among {@code managers} that holds a key entry {@code alias} (a private key with its
     * certificate chain), restricted to that entry; empty when none of them holds one.
     */
    public static Optional<AliasKeyManager> forAlias(List<? extends KeyManager> managers, String alias) {
        for (KeyManager manager : managers) {
            if (manager instanceof X509KeyManager) {
                X509KeyManager candidate = (X509KeyManager) manager;
                X509Certificate[] chain = candidate.getCertificateChain(alias);
                if (chain != null && chain.length > 0 && candidate.getPrivateKey(alias) != null) {
                    return Optional.of(new AliasKeyManager(candidate, alias));
                }
            }
        }
        return Optional.empty();
    }

    /** The aliases of the key entries {@code managers} offer for client authentication, sorted; for messages. */
    public static Set<String> keyAliases(List<? extends KeyManager> managers) {
        Set<String> aliases = new TreeSet<>();
        for (KeyManager manager : managers) {
            if (manager instanceof X509KeyManager) {
                for (String keyType : KEY_TYPES) {
                    String[] found = ((X509KeyManager) manager).getClientAliases(keyType, null);
                    if (found != null) {
                        aliases.addAll(Arrays.asList(found));
                    }
                }
            }
        }
        return aliases;
    }

    /**
     * The configured entry whenever its key fits one of the key types the server can verify. The server's list
     * of accepted issuers is not consulted: the gateway has one configured identity, and DPS decides about it.
     */
    private String choose(String[] keyTypes) {
        if (keyTypes == null) {
            return null;
        }
        for (String keyType : keyTypes) {
            String[] candidates = delegate.getClientAliases(keyType, null);
            if (candidates != null && Arrays.asList(candidates).contains(alias)) {
                return alias;
            }
        }
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return choose(new String[] { keyType }) == null ? null : new String[] { alias };
    }

    @Override
    public X509Certificate[] getCertificateChain(String requested) {
        return alias.equals(requested) ? delegate.getCertificateChain(alias) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String requested) {
        return alias.equals(requested) ? delegate.getPrivateKey(alias) : null;
    }

    /** A DPS client never serves TLS. */
    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String toString() {
        return "AliasKeyManager[" + alias + "]";
    }
}
