package io.kuradps.simulator;

import java.util.Base64;
import java.util.Objects;

/**
 * How an enrollment's devices prove who they are: a symmetric key (SAS token in the MQTT password) or an
 * X.509 certificate (TLS client certificate). Keys never appear in {@link #toString()}.
 *
 * @param type the mechanism
 * @param primaryKey base64 key (symmetric key only)
 * @param secondaryKey base64 key or null (symmetric key only)
 * @param certificatePem for an individual X.509 enrollment the device certificate, for a group the signing
 *        (CA) certificate; null means "issued by the simulator's own CA"
 */
public record Attestation(Type type, String primaryKey, String secondaryKey, String certificatePem) {

    /** The attestation mechanism. */
    public enum Type { SYMMETRIC_KEY, X509 }

    public Attestation {
        Objects.requireNonNull(type, "attestation type");
        if (type == Type.SYMMETRIC_KEY) {
            requireBase64(primaryKey, "primaryKey");
            if (secondaryKey != null) {
                requireBase64(secondaryKey, "secondaryKey");
            }
        } else if (certificatePem != null) {
            Pem.certificates(certificatePem);
        }
    }

    /** A symmetric key attestation; the secondary key may be null. */
    public static Attestation symmetricKey(String primaryKey, String secondaryKey) {
        return new Attestation(Type.SYMMETRIC_KEY, primaryKey, secondaryKey, null);
    }

    /** A symmetric key attestation with a primary key only. */
    public static Attestation symmetricKey(String primaryKey) {
        return symmetricKey(primaryKey, null);
    }

    /** An X.509 attestation trusting the given PEM certificate (device cert or group CA). */
    public static Attestation x509(String certificatePem) {
        return new Attestation(Type.X509, null, null, certificatePem);
    }

    /** An X.509 attestation trusting certificates issued by the simulator's own CA. */
    public static Attestation x509BySimulatorCa() {
        return new Attestation(Type.X509, null, null, null);
    }

    private static void requireBase64(String key, String field) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("symmetric key attestation needs " + field);
        }
        try {
            Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not valid base64", e);
        }
    }

    @Override
    public String toString() {
        return type == Type.SYMMETRIC_KEY
                ? "Attestation[symmetricKey, secondary=" + (secondaryKey != null) + "]"
                : "Attestation[x509, " + (certificatePem == null ? "simulator CA" : "given certificate") + "]";
    }
}
