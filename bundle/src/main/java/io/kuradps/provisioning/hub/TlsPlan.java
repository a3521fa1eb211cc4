package io.kuradps.provisioning.hub;

import java.util.Optional;

import io.kuradps.provisioning.kura.KeystoreKey;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * What the TLS side of the transport needs before it is written, decided with the rest of the write
 * ({@link TransportPlan}) and carried out by {@link TransportTls}: nothing; checking that the SslManagerService of an
 * X.509 enrollment whose key is in a file presents the device key and no other; setting up the SslManagerService
 * over the KeystoreService that holds the key (a certificate DPS issued, an X.509 enrollment's keystore), trusting
 * what the transport trusted before; and with any of them, adding the Azure root CAs where the trust is kept.
 * Immutable.
 */
final class TlsPlan {

    enum Step {
        /** A SAS token: the transport's SslManagerService is used as it is. */
        NONE,
        /** An X.509 enrollment from a file: the transport's SslManagerService must present that key and no other. */
        CHECK_ENROLLMENT_KEY,
        /** A key a KeystoreService holds: that keystore must hold it and no other, with an SslManagerService over it. */
        SET_UP_KEYSTORE_KEY
    }

    /** Whose key a KeystoreService holds: the name messages give it, and the provisioner's field naming its keystore. */
    enum KeyOrigin {
        ISSUED_CERTIFICATE("the issued certificate", "certificate.keystore.service.pid"),
        X509_ENROLLMENT("the X.509 enrollment", "x509.keystore.service.pid");

        final String description;
        final String keystoreField;

        KeyOrigin(String description, String keystoreField) {
            this.description = description;
            this.keystoreField = keystoreField;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** The suffix of the SslManagerService the hub link creates over the keystore of the key it presents. */
    static final String DEDICATED_SSL_MANAGER_SUFFIX = "-SslManagerService";

    private final Step step;
    private final String sslManagerTarget;
    private final KeystoreKey key;
    private final KeyOrigin keyOrigin;
    private final String dedicatedSslManager;
    private final String trustKeystore;
    private final boolean addAzureRoots;

    private TlsPlan(Step step, String sslManagerTarget, KeystoreKey key, KeyOrigin keyOrigin,
            String dedicatedSslManager, String trustKeystore, boolean addAzureRoots) {
        this.step = step;
        this.sslManagerTarget = sslManagerTarget;
        this.key = key;
        this.keyOrigin = keyOrigin;
        this.dedicatedSslManager = dedicatedSslManager;
        this.trustKeystore = trustKeystore;
        this.addAzureRoots = addAzureRoots;
    }

    /** A SAS token over the SslManagerService this target selects; with {@code addAzureRoots}, to its keystore. */
    static TlsPlan sasToken(String sslManagerTarget, boolean addAzureRoots) {
        return new TlsPlan(Step.NONE, sslManagerTarget, null, null, null, null, addAzureRoots);
    }

    /** An X.509 enrollment from a file, presented by the SslManagerService this target selects. */
    static TlsPlan enrollment(String sslManagerTarget, boolean addAzureRoots) {
        return new TlsPlan(Step.CHECK_ENROLLMENT_KEY, sslManagerTarget, null, null, null, null, addAzureRoots);
    }

    /**
     * A key a KeystoreService holds, presented by the SslManagerService over that keystore: an integrator's own
     * bound there already, used as it is, else {@code <keystore>-SslManagerService}, which the hub link creates or
     * points at the keystore and at the trust the transport had (Kura's {@code SSLKeystore} by default),
     * so that the CAs of {@code azure.root.cas} and of Kura's certificate page keep applying.
     *
     * @param kura what Kura's SslManagerServices hold now
     */
    static TlsPlan keystoreKey(KeystoreKey key, KeyOrigin keyOrigin, SslManagersSeen kura, boolean addAzureRoots) {
        String own = key.keystorePid() + DEDICATED_SSL_MANAGER_SUFFIX;
        // The hub link's own, bound already, is still looked after (its keystore and trust), an integrator's not.
        Optional<String> bound = kura.sslManagerOverKey().filter(pid -> !pid.equals(own));
        String dedicated = bound.isPresent() ? null : own;
        String trust = dedicated == null ? null : trustFor(key, kura);
        return new TlsPlan(Step.SET_UP_KEYSTORE_KEY, KuraReferences.target(bound.orElse(dedicated)), key, keyOrigin,
                dedicated, trust, addAzureRoots);
    }

    /**
     * The keystore the transport's SslManagerService trusted; once the transport names the one over the key's
     * keystore (after a restart), that one's own trust, unless it is the key's keystore itself (Kura's fallback
     * while its truststore target selects nothing, as an earlier bundle left it): then Kura's default's.
     */
    private static String trustFor(KeystoreKey key, SslManagersSeen kura) {
        Optional<String> transports = kura.transportTrust().filter(pid -> !pid.equals(key.keystorePid()));
        return transports.isPresent() ? transports.get()
                : kura.defaultTrust().filter(pid -> !pid.equals(key.keystorePid())).orElse(null);
    }

    Step step() {
        return step;
    }

    /** The SslManagerService the transport uses: the one it names now; for a keystore's key, the one it gets. */
    String sslManagerTarget() {
        return sslManagerTarget;
    }

    /** The key to present; present for {@link Step#SET_UP_KEYSTORE_KEY} only. */
    Optional<KeystoreKey> key() {
        return Optional.ofNullable(key);
    }

    /** Whose key it is; with {@link #key()} only. */
    KeyOrigin keyOrigin() {
        return keyOrigin;
    }

    /** The SslManagerService the hub link must create or point at the key's keystore, if any. */
    Optional<String> dedicatedSslManager() {
        return Optional.ofNullable(dedicatedSslManager);
    }

    /**
     * The kura.service.pid of the KeystoreService the dedicated SslManagerService takes its trust from; empty when
     * there is no dedicated one, or nothing but the key's keystore to trust (Kura's fallback).
     */
    Optional<String> trustKeystore() {
        return Optional.ofNullable(trustKeystore);
    }

    boolean addAzureRoots() {
        return addAzureRoots;
    }

    @Override
    public String toString() {
        return "TlsPlan[" + step + ", " + sslManagerTarget + (dedicatedSslManager == null ? ""
                : ", dedicated " + dedicatedSslManager + " trusting " + (trustKeystore == null ? "its keystore"
                        : trustKeystore)) + (addAzureRoots ? ", add the Azure roots" : "") + "]";
    }
}
