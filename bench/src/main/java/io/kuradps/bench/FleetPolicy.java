package io.kuradps.bench;

import java.time.Duration;
import java.util.Optional;

/** A retry policy other than ours, for the fleet comparison. */
enum FleetPolicy {

    /** Polls and retries every 5 s whatever DPS says, and retries a throttled register after 5 s (IoT Edge style). */
    FIXED_5S("fixed 5 s poller"),
    /** The Azure IoT Java SDK 2.x: retry-after clamped to [2 s, 5 s]; a 429 ends the registration. */
    AZURE_SDK("Azure SDK policy");

    private static final Duration FIXED = Duration.ofSeconds(5);
    private static final Duration SDK_MIN = Duration.ofSeconds(2);
    private static final Duration SDK_MAX = Duration.ofSeconds(5);

    private final String label;

    FleetPolicy(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** How long to wait before polling an operation DPS said is still assigning. */
    Duration pollDelay(Optional<Duration> retryAfter) {
        if (this == FIXED_5S) {
            return FIXED;
        }
        Duration asked = retryAfter.orElse(SDK_MIN);
        return asked.compareTo(SDK_MIN) < 0 ? SDK_MIN : asked.compareTo(SDK_MAX) > 0 ? SDK_MAX : asked;
    }

    /** How long to wait before registering again after a 429, or empty to give up. */
    Optional<Duration> throttledDelay() {
        return this == FIXED_5S ? Optional.of(FIXED) : Optional.empty();
    }

    /** How long to wait before reconnecting after a lost connection, or empty to give up. */
    Optional<Duration> reconnectDelay() {
        return this == FIXED_5S ? Optional.of(FIXED) : Optional.empty();
    }
}
