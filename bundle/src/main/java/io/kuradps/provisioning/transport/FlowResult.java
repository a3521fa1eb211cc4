package io.kuradps.provisioning.transport;

import java.util.Optional;

import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.Failure;

/** How a registration flow ended, with what it cost on the wire. */
public final class FlowResult {

    private final DeviceRegistration registration;
    private final Failure failure;
    private final int connections;
    private final int roundTrips;

    private FlowResult(DeviceRegistration registration, Failure failure, int connections, int roundTrips) {
        this.registration = registration;
        this.failure = failure;
        this.connections = connections;
        this.roundTrips = roundTrips;
    }

    static FlowResult succeeded(DeviceRegistration registration, int connections, int roundTrips) {
        return new FlowResult(registration, null, connections, roundTrips);
    }

    static FlowResult failed(Failure failure, int connections, int roundTrips) {
        return new FlowResult(null, failure, connections, roundTrips);
    }

    /** The assigned registration, when the flow succeeded. */
    public Optional<DeviceRegistration> registration() {
        return Optional.ofNullable(registration);
    }

    /** The classified failure, when the flow failed. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** MQTT connections opened (one per attempt). */
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
        return (registration != null ? "succeeded" : "failed " + failure) + " after " + connections
                + " connection(s), " + roundTrips + " MQTT round trip(s)";
    }
}
