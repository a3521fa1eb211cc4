package io.kuradps.provisioning.iothub;

import java.time.Instant;
import java.util.Arrays;

/**
 * What the twin session asks its driver to do or tells it. The subtypes are final and nested; dispatch with
 * {@code instanceof}. The private constructor keeps the set closed.
 */
public abstract class TwinAction {

    private TwinAction() {
    }

    /** Subscribe to this filter (QoS 1; IoT Hub grants at most 1). */
    public static final class Subscribe extends TwinAction {
        private final String filter;

        Subscribe(String filter) {
            this.filter = filter;
        }

        public String filter() {
            return filter;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Subscribe && ((Subscribe) other).filter.equals(filter);
        }

        @Override
        public int hashCode() {
            return filter.hashCode();
        }

        @Override
        public String toString() {
            return "Subscribe[" + filter + "]";
        }
    }

    /** Publish this at QoS 1 (IoT Hub accepts 0 or 1). */
    public static final class Publish extends TwinAction {
        private final String topic;
        private final byte[] payload;

        Publish(String topic, byte[] payload) {
            this.topic = topic;
            this.payload = payload.clone();
        }

        public String topic() {
            return topic;
        }

        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Publish && ((Publish) other).topic.equals(topic)
                    && Arrays.equals(((Publish) other).payload, payload);
        }

        @Override
        public int hashCode() {
            return topic.hashCode() * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Publish[" + topic + ", " + payload.length + " bytes]";
        }
    }

    /** Call {@link TwinSession#onTimerFired(long)} with this id at this time; replaces any earlier timer. */
    public static final class ScheduleTimer extends TwinAction {
        private final long id;
        private final Instant at;

        ScheduleTimer(long id, Instant at) {
            this.id = id;
            this.at = at;
        }

        public long id() {
            return id;
        }

        public Instant at() {
            return at;
        }

        @Override
        public String toString() {
            return "ScheduleTimer[" + id + " at " + at + "]";
        }
    }

    /**
     * The desired properties are now these: after the twin was read (full) or a desired update was merged in.
     * Deliver them to whoever listens.
     */
    public static final class DesiredChanged extends TwinAction {
        private final TwinSection desired;
        private final TwinSection patch;

        DesiredChanged(TwinSection desired, TwinSection patch) {
            this.desired = desired;
            this.patch = patch;
        }

        /** The whole desired section at its version. */
        public TwinSection desired() {
            return desired;
        }

        /** True when read with the whole twin (after a connect), false after a pushed update. */
        public boolean full() {
            return patch == null;
        }

        /** The pushed update that was merged in; empty when the whole twin was read. */
        public java.util.Optional<TwinSection> patch() {
            return java.util.Optional.ofNullable(patch);
        }

        @Override
        public String toString() {
            return "DesiredChanged[" + desired + (patch == null ? ", full" : ", update") + "]";
        }
    }

    /** The hub holds these reported properties now (read with the twin, or a patch it accepted). */
    public static final class ReportedHeld extends TwinAction {
        private final TwinSection reported;

        ReportedHeld(TwinSection reported) {
            this.reported = reported;
        }

        public TwinSection reported() {
            return reported;
        }

        @Override
        public String toString() {
            return "ReportedHeld[" + reported + "]";
        }
    }

    /** A request failed; {@code retryAt} says when it goes out again, if it does. For logs and status. */
    public static final class RequestFailed extends TwinAction {
        private final String message;
        private final Instant retryAt;

        RequestFailed(String message, Instant retryAt) {
            this.message = message;
            this.retryAt = retryAt;
        }

        public String message() {
            return message;
        }

        /** When the request is sent again; null when it is given up (sent again only once something changes). */
        public Instant retryAt() {
            return retryAt;
        }

        @Override
        public String toString() {
            return "RequestFailed[" + message + (retryAt == null ? ", given up" : ", again at " + retryAt) + "]";
        }
    }
}
