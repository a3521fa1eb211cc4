package io.kuradps.provisioning.hub;

import java.util.Objects;
import java.util.Optional;

/**
 * What Kura's SslManagerServices hold when the hub link plans a write, read before the plan so that the plan stays a
 * pure function ({@link TransportPlan}): the SslManagerService bound over the keystore of the key to present, and
 * the KeystoreService whose certificates the transport's SslManagerService and Kura's default one trust (Kura takes
 * the truststore target's, else the keystore target's). Each a kura.service.pid. Immutable.
 */
final class SslManagersSeen {

    static final SslManagersSeen NOTHING = new SslManagersSeen(Optional.empty(), Optional.empty(), Optional.empty());

    private final Optional<String> sslManagerOverKey;
    private final Optional<String> transportTrust;
    private final Optional<String> defaultTrust;

    SslManagersSeen(Optional<String> sslManagerOverKey, Optional<String> transportTrust,
            Optional<String> defaultTrust) {
        this.sslManagerOverKey = Objects.requireNonNull(sslManagerOverKey);
        this.transportTrust = Objects.requireNonNull(transportTrust);
        this.defaultTrust = Objects.requireNonNull(defaultTrust);
    }

    /** A bound SslManagerService whose keystore target selects the key's keystore (the best ranked). */
    Optional<String> sslManagerOverKey() {
        return sslManagerOverKey;
    }

    /** The keystore the SslManagerService the transport names trusts. */
    Optional<String> transportTrust() {
        return transportTrust;
    }

    /** The keystore Kura's default SslManagerService trusts ({@code SSLKeystore} in Kura's snapshot_0.xml). */
    Optional<String> defaultTrust() {
        return defaultTrust;
    }

    @Override
    public String toString() {
        return "SslManagersSeen[over the key " + sslManagerOverKey.orElse("none") + ", transport trusts "
                + transportTrust.orElse("nothing") + ", Kura's default trusts " + defaultTrust.orElse("nothing") + "]";
    }
}
