package io.kuradps.provisioning.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the registration flow asks its driver to do. The subtypes are final and nested; dispatch with
 * {@code instanceof}. The private constructor keeps the set closed.
 */
public abstract class FlowAction {

    private FlowAction() {
    }

    /** Open an MQTT connection with these values (CleanSession=1). */
    public static final class Connect extends FlowAction {
        private final ConnectRequest request;

        Connect(ConnectRequest request) {
            this.request = request;
        }

        public ConnectRequest request() {
            return request;
        }

        @Override
        public String toString() {
            return "Connect[" + request + "]";
        }
    }

    /** Subscribe at QoS 1 (DPS grants QoS 1 whatever is asked; 0x80 in the SUBACK means refused). */
    public static final class Subscribe extends FlowAction {
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

    /** Publish at QoS 1. */
    public static final class Publish extends FlowAction {
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
            return 31 * topic.hashCode() + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Publish[" + topic + ", " + new String(payload, StandardCharsets.UTF_8) + "]";
        }
    }

    /** Close the connection (or abandon a connection attempt); harmless when already closed. */
    public static final class Disconnect extends FlowAction {
        static final Disconnect INSTANCE = new Disconnect();

        private Disconnect() {
        }

        @Override
        public String toString() {
            return "Disconnect";
        }
    }

    /** Call {@code onTimerFired(timerId)} at {@code at}; replaces any earlier timer. */
    public static final class ScheduleTimer extends FlowAction {
        private final long timerId;
        private final Instant at;

        ScheduleTimer(long timerId, Instant at) {
            this.timerId = timerId;
            this.at = at;
        }

        public long timerId() {
            return timerId;
        }

        public Instant at() {
            return at;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ScheduleTimer && ((ScheduleTimer) other).timerId == timerId
                    && ((ScheduleTimer) other).at.equals(at);
        }

        @Override
        public int hashCode() {
            return Objects.hash(timerId, at);
        }

        @Override
        public String toString() {
            return "ScheduleTimer[" + timerId + " at " + at + "]";
        }
    }

    /** Informational: attempt {@code attempt} failed for {@code cause}; the next one starts at {@code retryAt}. */
    public static final class Retrying extends FlowAction {
        private final int attempt;
        private final Instant retryAt;
        private final Failure cause;

        public Retrying(int attempt, Instant retryAt, Failure cause) {
            this.attempt = attempt;
            this.retryAt = retryAt;
            this.cause = cause;
        }

        /** The number of the attempt that failed, from 1 within the flow; attempt + 1 starts at retryAt. */
        public int attempt() {
            return attempt;
        }

        public Instant retryAt() {
            return retryAt;
        }

        public Failure cause() {
            return cause;
        }

        @Override
        public String toString() {
            return "Retrying[attempt " + attempt + " at " + retryAt + ", " + cause + "]";
        }
    }

    /** The device is assigned; the registration has an assigned hub and a device id. */
    public static final class Succeed extends FlowAction {
        private final DeviceRegistration registration;

        Succeed(DeviceRegistration registration) {
            this.registration = registration;
        }

        public DeviceRegistration registration() {
            return registration;
        }

        @Override
        public String toString() {
            return "Succeed[" + registration + "]";
        }
    }

    /** The flow has ended without an assignment. */
    public static final class Fail extends FlowAction {
        private final Failure failure;
        private final int attempt;

        Fail(Failure failure, int attempt) {
            this.failure = failure;
            this.attempt = attempt;
        }

        public Failure failure() {
            return failure;
        }

        /**
         * The number of the attempt that ended the flow, counted as {@link Retrying#attempt()} counts: after n
         * {@code Retrying} actions it is n + 1, so it is also the number of attempts the flow made.
         */
        public int attempt() {
            return attempt;
        }

        @Override
        public String toString() {
            return "Fail[attempt " + attempt + ", " + failure + "]";
        }
    }
}
