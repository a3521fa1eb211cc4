package io.kuradps.bench;

import io.kuradps.provisioning.protocol.RegistrationSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/** A retry policy other than the one the bundle ships, for the fleet comparisons. */
enum FleetPolicy {

    /**
     * The bundle's policy before issue 15, as a model: a 429's retry-after plus a uniform jitter of up to
     * min(backoff max, 1 s x 2^(n-1), 8 x retry-after) for the n-th 429 in a row; a 202's retry-after exactly;
     * runs end at the deadline and the component starts a fresh one after its pause.
     */
    PREVIOUS("previous (jitter up to 8 x retry-after)", "previous"),
    /** Polls and retries every 5 s whatever DPS says, and retries a throttled register after 5 s (IoT Edge style). */
    FIXED_5S("fixed 5 s poller", "fixed-5s"),
    /** The Azure IoT Java SDK 2.x: retry-after clamped to [2 s, 5 s]; a 429 ends the registration. */
    AZURE_SDK("Azure SDK policy", "sdk");

    private static final Duration FIXED = Duration.ofSeconds(5);
    private static final Duration SDK_MIN = Duration.ofSeconds(2);
    private static final Duration SDK_MAX = Duration.ofSeconds(5);
    private static final int PREVIOUS_SPREAD_FACTOR = 8;

    private final String label;
    private final String key;

    FleetPolicy(String label, String key) {
        this.label = label;
        this.key = key;
    }

    String label() {
        return label;
    }

    /** The policy's name in results.json. */
    String key() {
        return key;
    }

    /** How long to wait before polling an operation DPS said is still assigning. */
    Duration pollDelay(Optional<Duration> retryAfter) {
        switch (this) {
            case FIXED_5S:
                return FIXED;
            case PREVIOUS:
                return clamp(retryAfter.orElse(RegistrationSettings.MIN_RETRY_AFTER),
                        RegistrationSettings.MIN_RETRY_AFTER, RegistrationSettings.DEFAULT_MAX_RETRY_AFTER);
            default:
                return clamp(retryAfter.orElse(SDK_MIN), SDK_MIN, SDK_MAX);
        }
    }

    /**
     * How long to wait before registering again after the {@code inARow}-th 429 in a row that asked for
     * {@code retryAfter}, or empty to give up.
     */
    Optional<Duration> throttledDelay(int inARow, Duration retryAfter, Random random) {
        switch (this) {
            case FIXED_5S:
                return Optional.of(FIXED);
            case PREVIOUS:
                Duration floor = clamp(retryAfter, RegistrationSettings.MIN_RETRY_AFTER,
                        RegistrationSettings.DEFAULT_MAX_RETRY_AFTER);
                long window = Math.min(RegistrationSettings.DEFAULT_BACKOFF_MAX.toMillis(),
                        Math.min(RegistrationSettings.DEFAULT_BACKOFF_BASE.toMillis() << Math.min(inARow - 1, 30),
                                floor.toMillis() * PREVIOUS_SPREAD_FACTOR));
                return Optional.of(floor.plusMillis((long) (random.nextDouble() * window)));
            default:
                return Optional.empty();
        }
    }

    /** How long to wait before reconnecting after a lost connection, or empty to give up. */
    Optional<Duration> reconnectDelay() {
        return this == FIXED_5S ? Optional.of(FIXED) : Optional.empty();
    }

    /** The run's deadline, after which the component starts a fresh run; empty when runs never end. */
    Optional<Duration> runDeadline() {
        return this == PREVIOUS ? Optional.of(RegistrationSettings.DEFAULT_OVERALL_DEADLINE) : Optional.empty();
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}
