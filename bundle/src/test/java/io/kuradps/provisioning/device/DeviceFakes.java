package io.kuradps.provisioning.device;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.kuradps.provisioning.iothub.PropertyKind;
import io.kuradps.provisioning.protocol.FakeClock;

/** The room's collaborators as the tests drive them: a connection that records, timers on a fake clock, Kura. */
final class DeviceFakes {

    private DeviceFakes() {
    }

    /** One publish. */
    static final class Published {
        final String topic;
        final byte[] payload;

        Published(String topic, byte[] payload) {
            this.topic = topic;
            this.payload = payload;
        }

        String body() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The {@code $rid} of a request or answer topic. */
        String rid() {
            return topic.substring(topic.indexOf("$rid=") + "$rid=".length());
        }

        @Override
        public String toString() {
            return topic + " " + body();
        }
    }

    /** A hub connection that records what is sent and fails a subscription when told. */
    static final class Connection implements HubDevice.Connection {
        final List<String> subscribed = new CopyOnWriteArrayList<>();
        final List<String> unsubscribed = new CopyOnWriteArrayList<>();
        final List<Published> published = new CopyOnWriteArrayList<>();
        volatile int subscriptionsToRefuse;

        @Override
        public void subscribe(String filter) throws Exception {
            if (subscriptionsToRefuse > 0) {
                subscriptionsToRefuse--;
                throw new Exception("Timeout subscribing to topic: " + filter);
            }
            subscribed.add(filter);
        }

        @Override
        public void unsubscribe(String filter) {
            unsubscribed.add(filter);
        }

        @Override
        public void publish(String topic, byte[] payload) {
            published.add(new Published(topic, payload));
        }

        /** Publishes on topics starting so, in order. */
        List<Published> on(String topicPrefix) {
            List<Published> matching = new ArrayList<>();
            for (Published publish : published) {
                if (publish.topic.startsWith(topicPrefix)) {
                    matching.add(publish);
                }
            }
            return matching;
        }

        Published last(String topicPrefix) {
            List<Published> matching = on(topicPrefix);
            if (matching.isEmpty()) {
                throw new AssertionError("nothing published on " + topicPrefix + "; published: " + published);
            }
            return matching.get(matching.size() - 1);
        }
    }

    /** Timers that fire when the test moves the fake clock past them, on the test's thread. */
    static final class Timers implements MethodCalls.Timers {
        private static final class Timer {
            final Instant due;
            final Runnable task;
            volatile boolean cancelled;

            Timer(Instant due, Runnable task) {
                this.due = due;
                this.task = task;
            }
        }

        final FakeClock clock;
        private final List<Timer> timers = new CopyOnWriteArrayList<>();
        /** Every delay asked for, in order. */
        final List<Duration> delays = new CopyOnWriteArrayList<>();

        Timers(FakeClock clock) {
            this.clock = clock;
        }

        @Override
        public Runnable schedule(Runnable task, Duration delay) {
            delays.add(delay);
            Timer timer = new Timer(clock.instant().plus(delay), task);
            timers.add(timer);
            return () -> timer.cancelled = true;
        }

        /** Moves the clock and runs, in order, every timer due by then that was not cancelled. */
        void advance(Duration by) {
            Instant until = clock.instant().plus(by);
            while (true) {
                Timer next = timers.stream().filter(t -> !t.due.isAfter(until))
                        .min(Comparator.comparing(t -> t.due)).orElse(null);
                if (next == null) {
                    break;
                }
                timers.remove(next);
                if (next.due.isAfter(clock.instant())) {
                    clock.set(next.due);
                }
                if (!next.cancelled) {
                    next.task.run();
                }
            }
            clock.set(until);
        }
    }

    /** Kura's ConfigurationService as the desired configuration sees it: PIDs with types and values. */
    static final class Kura implements KuraConfigurations.Kura {
        final Map<String, Map<String, PropertyKind>> definitions = new HashMap<>();
        final Map<String, Map<String, Object>> values = new HashMap<>();
        final List<String> updates = new ArrayList<>();
        volatile String failure;

        void track(String pid, String propertyId, PropertyKind kind, Object value) {
            definitions.computeIfAbsent(pid, p -> new HashMap<>()).put(propertyId, kind);
            values.computeIfAbsent(pid, p -> new HashMap<>()).put(propertyId, value);
        }

        @Override
        public Map<String, PropertyKind> definition(String pid) {
            return definitions.get(pid);
        }

        @Override
        public Map<String, Object> current(String pid) {
            return values.getOrDefault(pid, new HashMap<>());
        }

        @Override
        public void update(String pid, Map<String, Object> properties) throws Exception {
            if (failure != null) {
                throw new Exception(failure);
            }
            updates.add(pid + properties);
            values.computeIfAbsent(pid, p -> new HashMap<>()).putAll(properties);
        }
    }
}
