package io.kuradps.bench;

import io.kuradps.provisioning.hub.ReconnectBackoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * How one gateway comes back to its hub after losing it, as {@link HubReconnectSimulation} drives it: the wait
 * before the first attempt, and after each refused one. The three the bench compares:
 * <ul>
 * <li>{@link #OURS}: the hub link's real {@link ReconnectBackoff}, the class {@code HubLink} schedules with; Kura's
 * raw MQTT stack has auto-connect off, so Kura's DataService adds no attempt of its own;
 * <li>{@link #PREVIOUS}: the hub link before issue 19 ({@code HubLink.scheduleRetry}): 5 s, doubling to 5 min, no
 * jitter; a model, since the code is gone;
 * <li>{@link #KURA_AUTO_CONNECT}: Kura's own DataService with auto-connect on and its default
 * {@code connect.retry-interval} of 60 s, alone, as DataServiceImpl 5.5 schedules it: a first attempt after
 * max(1, random integer below 60 / 5) s, then one every 60 s at a fixed rate whatever the answer.
 * </ul>
 */
enum ReconnectPolicy {

    OURS("ours") {
        @Override
        Gateway gateway(Random random) {
            ReconnectBackoff backoff = new ReconnectBackoff(random::nextDouble);
            return new Gateway() {
                @Override
                public Duration lost(Instant now) {
                    return backoff.lost(now);
                }

                @Override
                public Duration throttled(Instant now) {
                    return backoff.throttled(now);
                }

                @Override
                public Duration refused(Instant now) {
                    return backoff.refused(now);
                }
            };
        }
    },

    PREVIOUS("previous") {
        @Override
        Gateway gateway(Random random) {
            return new Gateway() {
                private int retries;

                @Override
                public Duration lost(Instant now) {
                    retries = 0;
                    return next();
                }

                @Override
                public Duration throttled(Instant now) {
                    return next();
                }

                @Override
                public Duration refused(Instant now) {
                    return next();
                }

                private Duration next() {
                    long millis = Math.min(PREVIOUS_MAX.toMillis(), PREVIOUS_FIRST.toMillis() << Math.min(retries++,
                            10));
                    return Duration.ofMillis(millis);
                }
            };
        }
    },

    KURA_AUTO_CONNECT("kura-auto-connect") {
        @Override
        Gateway gateway(Random random) {
            return new Gateway() {
                @Override
                public Duration lost(Instant now) {
                    // DataServiceImpl.startConnectionMonitorTask: max(random.nextInt(interval / 5), 1) seconds.
                    long maxDelay = Math.max(1, KURA_RETRY_INTERVAL.toSeconds() / 5);
                    return Duration.ofSeconds(Math.max(random.nextInt((int) maxDelay), 1));
                }

                @Override
                public Duration throttled(Instant now) {
                    // scheduleAtFixedRate: the next run a whole interval after the last one started, which the
                    // simulation's constant connect time places that much earlier than the answer.
                    return KURA_RETRY_INTERVAL.minus(HubReconnectSimulation.CONNECT_TIME);
                }

                @Override
                public Duration refused(Instant now) {
                    return throttled(now);
                }
            };
        }
    };

    /** The previous hub link: first retry, and the doubling's maximum. */
    static final Duration PREVIOUS_FIRST = Duration.ofSeconds(5);
    static final Duration PREVIOUS_MAX = Duration.ofMinutes(5);
    /** DataServiceOptions' default {@code connect.retry-interval}. */
    static final Duration KURA_RETRY_INTERVAL = Duration.ofSeconds(60);

    /** One gateway's reconnect state; the simulation calls it on the gateway's behalf, in simulated time. */
    interface Gateway {
        /** The connection was lost at {@code now}: the wait before the first attempt. */
        Duration lost(Instant now);

        /** An attempt was answered with CONNACK 3 at {@code now}: the next wait. */
        Duration throttled(Instant now);

        /** Nothing accepted an attempt's connection at {@code now}: the next wait. */
        Duration refused(Instant now);
    }

    private final String key;

    ReconnectPolicy(String key) {
        this.key = key;
    }

    /** As in results.json. */
    String key() {
        return key;
    }

    /** A gateway of this policy; {@code random} is the simulation's seeded source, shared by the fleet. */
    abstract Gateway gateway(Random random);
}
