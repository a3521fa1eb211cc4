package io.kuradps.provisioning.hub;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How the device proves itself to the hub in one connection: a SAS token written as the transport's password, or a
 * certificate the transport's SslManagerService presents in the TLS handshake (the X.509 enrollment's, or the one
 * DPS issued). Immutable; its text never shows the token.
 */
final class HubCredential {

    private static final HubCredential X509 = new HubCredential(null, null);

    private final String token;
    private final Instant expiry;

    private HubCredential(String token, Instant expiry) {
        this.token = token;
        this.expiry = expiry;
    }

    static HubCredential sasToken(String token, Instant expiry) {
        return new HubCredential(Objects.requireNonNull(token, "token"), Objects.requireNonNull(expiry, "expiry"));
    }

    static HubCredential x509() {
        return X509;
    }

    /** The SAS token; empty for X.509. */
    Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** When the token expires; empty for X.509. */
    Optional<Instant> expiry() {
        return Optional.ofNullable(expiry);
    }

    @Override
    public String toString() {
        return token == null ? "X.509" : "a SAS token until " + expiry;
    }
}
