package io.kuradps.provisioning.transport;

import java.util.Optional;

import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.FlowAction;

/** How a registration flow ended, with what it cost on the wire. */
public final class FlowResult {

    private final DeviceRegistration registration;
    private final Failure failure;
    private final int attempt;
    private final int connections;
    private final int roundTrips;

    private FlowResult(DeviceRegistration registration, Failure failure, int attempt, int connections,
            int roundTrips) {
        this.registration = registration;
        this.failure = failure;
        this.attempt = attempt;
        this.connections = connections;
        this.roundTrips = roundTrips;
    }

    static FlowResult succeeded(DeviceRegistration registration, int connections, int roundTrips) {
        return new FlowResult(registration, null, 0, connections, roundTrips);
    }

    static FlowResult failed(FlowAction.Fail fail, int connections, int roundTrips) {
        return new FlowResult(null, fail.failure(), fail.attempt(), connections, roundTrips);
    }

    /** The assigned registration, when the flow succeeded. */
    public Optional<DeviceRegistration> registration() {
        return Optional.ofNullable(registration);
    }

    /** The classified failure, when the flow failed. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** When the flow failed, the number of the attempt that ended it ({@link FlowAction.Fail#attempt()}); else 0. */
    public int attempt() {
        return attempt;
    }

    /** MQTT connections opened (a register or poll retried on the same connection opens none). */
    public int connections() {
        return connections;
    }

    /**
     * MQTT request/answer exchanges the flow waited on: CONNECT/CONNACK, SUBSCRIBE/SUBACK and each DPS request
     * with its response (register, polls). TCP and TLS (and WebSocket upgrade) handshakes come on top.
     */
    public int roundTrips() {
        return roundTrips;
    }

    @Override
    public String toString() {
        return (registration != null ? "succeeded" : "failed at attempt " + attempt + ": " + failure) + " after " + connections
                + " connection(s), " + roundTrips + " MQTT round trip(s)";
    }
}
