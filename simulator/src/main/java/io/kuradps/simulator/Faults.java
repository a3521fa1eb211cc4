package io.kuradps.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection, scriptable from tests. A rule says on which packet ({@link Trigger}), for which
 * registration id (or all), how many times, and which {@link Fault}. Rules for a registration id are
 * consulted before global ones; among those, the oldest with uses left wins.
 *
 * <pre>
 * simulator.faults().on(Trigger.REGISTER).forRegistration("dev-1").times(2).inject(Fault.throttled(5));
 * simulator.faults().latency(Duration.ofMillis(300)); // every outgoing packet, all devices
 * </pre>
 */
public final class Faults {

    /**
     * The packet a fault applies to. DPS has CONNECT, SUBSCRIBE, REGISTER and POLL; the IoT hub ({@link
     * HubSimulator#faults()}) has CONNECT, SUBSCRIBE, TELEMETRY (a PUBLISH on the device's events topic) and TWIN (a
     * twin GET or reported patch; e.g. {@code Fault.throttled(null)} answers 429).
     */
    public enum Trigger { CONNECT, SUBSCRIBE, REGISTER, POLL, TELEMETRY, TWIN }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
    private volatile Duration globalLatency = Duration.ZERO;

    /** Starts a rule for the given packet. */
    public Spec on(Trigger trigger) {
        return new Spec(this, Objects.requireNonNull(trigger, "trigger"), null, -1);
    }

    /** Delays every packet the simulator sends, to every device. */
    public void latency(Duration latency) {
        globalLatency = Objects.requireNonNull(latency, "latency");
    }

    /** Delays every packet the simulator sends to one device (from its CONNACK on). */
    public void latency(String registrationId, Duration latency) {
        latencies.put(registrationId, Objects.requireNonNull(latency, "latency"));
    }

    /** Removes every rule and latency. */
    public void clear() {
        rules.clear();
        latencies.clear();
        globalLatency = Duration.ZERO;
    }

    Duration latencyFor(String registrationId) {
        return registrationId == null ? globalLatency : latencies.getOrDefault(registrationId, globalLatency);
    }

    Optional<Fault> take(Trigger trigger, String registrationId) {
        for (boolean specific : new boolean[] {true, false}) {
            for (Rule rule : rules) {
                boolean matchesDevice = specific ? registrationId != null && registrationId.equals(rule.registrationId)
                        : rule.registrationId == null;
                if (rule.trigger == trigger && matchesDevice && rule.tryUse()) {
                    return Optional.of(rule.fault);
                }
            }
        }
        return Optional.empty();
    }

    /** An incomplete rule: say for whom and how often, then {@link #inject(Fault)}. Immutable. */
    public static final class Spec {
        private final Faults faults;
        private final Trigger trigger;
        private final String registrationId;
        private final int times;

        private Spec(Faults faults, Trigger trigger, String registrationId, int times) {
            this.faults = faults;
            this.trigger = trigger;
            this.registrationId = registrationId;
            this.times = times;
        }

        /** Only for this registration id (default: every device). */
        public Spec forRegistration(String id) {
            return new Spec(faults, trigger, Objects.requireNonNull(id, "registration id"), times);
        }

        /** The hub's rules name devices: only for this device id (default: every device). */
        public Spec forDevice(String deviceId) {
            return new Spec(faults, trigger, Objects.requireNonNull(deviceId, "device id"), times);
        }

        /** Only the next n matching packets (default: all of them). */
        public Spec times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times must be at least 1, was " + n);
            }
            return new Spec(faults, trigger, registrationId, n);
        }

        /** Installs the rule; it acts from the next matching packet on. */
        public Rule inject(Fault fault) {
            Rule rule = new Rule(faults, trigger, registrationId, times, Objects.requireNonNull(fault, "fault"));
            faults.rules.add(rule);
            return rule;
        }
    }

    /** An installed rule. */
    public static final class Rule {
        private final Faults owner;
        private final Trigger trigger;
        private final String registrationId;
        private final Fault fault;
        /** Negative: unlimited. */
        private final AtomicInteger remaining;
        private final AtomicInteger hits = new AtomicInteger();

        private Rule(Faults owner, Trigger trigger, String registrationId, int times, Fault fault) {
            this.owner = owner;
            this.trigger = trigger;
            this.registrationId = registrationId;
            this.fault = fault;
            this.remaining = new AtomicInteger(times);
        }

        private boolean tryUse() {
            int left;
            do {
                left = remaining.get();
                if (left == 0) {
                    return false;
                }
            } while (left > 0 && !remaining.compareAndSet(left, left - 1));
            hits.incrementAndGet();
            return true;
        }

        /** How many packets this rule has acted on. */
        public int hits() {
            return hits.get();
        }

        /** Uninstalls the rule. */
        public void remove() {
            owner.rules.remove(this);
        }

        @Override
        public String toString() {
            return "Rule[" + trigger + ", " + (registrationId == null ? "all devices" : registrationId) + ", "
                    + fault + ", hits=" + hits + "]";
        }
    }
}
