package io.kuradps.bench;

/** One DPS client under test: registers one device, symmetric key, MQTT over TLS, and says how long it took. */
interface Registrar {

    /** Timings of one successful registration, in nanoseconds from the call. */
    record Timing(long toAssignmentNanos, long toClosedNanos) {
    }

    String name();

    /**
     * Registers and returns when the client has handed back the assignment and closed its connection.
     *
     * @throws Exception when the registration did not end assigned
     */
    Timing register(String registrationId, String deviceKeyBase64) throws Exception;
}
