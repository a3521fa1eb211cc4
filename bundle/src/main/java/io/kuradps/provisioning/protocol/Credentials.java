package io.kuradps.provisioning.protocol;

import java.util.Arrays;

/** How the device proves its identity. Holds key material, so its toString never shows it. */
public final class Credentials {

    public enum Type {
        /** Individual enrollment with a symmetric key: the key signs the SAS token directly. */
        SYMMETRIC_KEY,
        /** Group enrollment with a symmetric key: the device key is derived from the group key. */
        GROUP_KEY,
        /** X.509: the TLS client certificate authenticates; CONNECT carries no password. */
        X509
    }

    private final Type type;
    private final byte[] key;

    private Credentials(Type type, byte[] key) {
        this.type = type;
        this.key = key;
    }

    public static Credentials symmetricKey(String deviceKeyBase64) throws DpsProtocolException {
        return new Credentials(Type.SYMMETRIC_KEY, Keys.decode(deviceKeyBase64, DpsProtocolException.Field.SYMMETRIC_KEY));
    }

    public static Credentials groupKey(String groupKeyBase64) throws DpsProtocolException {
        return new Credentials(Type.GROUP_KEY, Keys.decode(groupKeyBase64, DpsProtocolException.Field.GROUP_KEY));
    }

    public static Credentials x509() {
        return new Credentials(Type.X509, new byte[0]);
    }

    public Type type() {
        return type;
    }

    public boolean usesSasToken() {
        return type != Type.X509;
    }

    /** The key that signs SAS tokens for this registration id; empty for X.509. */
    byte[] deviceKey(String registrationId) {
        if (type == Type.GROUP_KEY) {
            return HmacSha256.sign(key, registrationId);
        }
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Credentials)) {
            return false;
        }
        Credentials that = (Credentials) other;
        return type == that.type && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "Credentials[" + type + (usesSasToken() ? ", key redacted]" : "]");
    }
}
