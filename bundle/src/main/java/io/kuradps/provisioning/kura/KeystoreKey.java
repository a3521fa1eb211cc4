package io.kuradps.provisioning.kura;

import java.util.Objects;

/**
 * A key entry of a Kura KeystoreService: the service's {@code kura.service.pid} and the entry's alias. The hub link
 * has Kura present such a key through an SslManagerService over that keystore. Immutable; a value.
 */
public final class KeystoreKey {

    private final String keystorePid;
    private final String alias;

    public KeystoreKey(String keystorePid, String alias) {
        this.keystorePid = Objects.requireNonNull(keystorePid, "keystorePid");
        this.alias = Objects.requireNonNull(alias, "alias");
    }

    public String keystorePid() {
        return keystorePid;
    }

    public String alias() {
        return alias;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof KeystoreKey)) {
            return false;
        }
        KeystoreKey that = (KeystoreKey) other;
        return keystorePid.equals(that.keystorePid) && alias.equals(that.alias);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keystorePid, alias);
    }

    @Override
    public String toString() {
        return alias + " of KeystoreService " + keystorePid;
    }
}
