package io.kuradps.provisioning.hub;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a hub SAS token expires and when it is renewed: at {@code renewalPercent} of its lifetime, as the Azure SDKs
 * do (80 to 90 %). IoT Hub ends a session when its token expires and has no in-band renewal on MQTT 3.1.1, so a
 * renewal is a new token written to the transport, which then reconnects. Pure arithmetic, times passed in; a value.
 */
final class TokenRenewal {

    private final Duration lifetime;
    private final int renewalPercent;

    /**
     * @param lifetime       how long each token is valid
     * @param renewalPercent the share of the lifetime after which it is renewed, within the bounds the hub link's form
     *                       offers ({@link HubConnectionConfig#RENEWAL_PERCENT_MIN}..{@link
     *                       HubConnectionConfig#RENEWAL_PERCENT_MAX})
     */
    TokenRenewal(Duration lifetime, int renewalPercent) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive");
        }
        if (renewalPercent < HubConnectionConfig.RENEWAL_PERCENT_MIN
                || renewalPercent > HubConnectionConfig.RENEWAL_PERCENT_MAX) {
            throw new IllegalArgumentException("renewalPercent must be " + HubConnectionConfig.RENEWAL_PERCENT_MIN
                    + ".." + HubConnectionConfig.RENEWAL_PERCENT_MAX);
        }
        this.lifetime = lifetime;
        this.renewalPercent = renewalPercent;
    }

    /** The token's {@code se}, in epoch seconds, for a token issued at {@code issuedAt}. */
    long expiryEpochSeconds(Instant issuedAt) {
        return issuedAt.plus(lifetime).getEpochSecond();
    }

    /** When a token issued at {@code issuedAt} is renewed; always before its expiry. */
    Instant renewAt(Instant issuedAt) {
        return issuedAt.plusMillis(lifetime.toMillis() * renewalPercent / 100);
    }

    /**
     * How long to wait from {@code now} before renewing a token issued at {@code issuedAt}: zero when the renewal is
     * due, and also when {@code now} is before {@code issuedAt}, i.e. the clock was set back after the token was
     * made (its expiry came from a clock now known to be wrong).
     */
    Duration delay(Instant issuedAt, Instant now) {
        if (now.isBefore(issuedAt)) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, renewAt(issuedAt));
        return left.isNegative() ? Duration.ZERO : left;
    }

    Duration lifetime() {
        return lifetime;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TokenRenewal)) {
            return false;
        }
        TokenRenewal that = (TokenRenewal) o;
        return renewalPercent == that.renewalPercent && lifetime.equals(that.lifetime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lifetime, renewalPercent);
    }
}
