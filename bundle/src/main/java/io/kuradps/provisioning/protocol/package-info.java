/**
 * The Azure IoT DPS protocol over MQTT without any I/O: CONNECT values, SAS tokens, topics, bodies, failure
 * classification and the registration flow as a state machine. Time comes from an injected clock and
 * randomness from an injected random source, so every behaviour can be tested without a network or a sleep. SAS
 * tokens are signed by a {@link io.kuradps.provisioning.protocol.ServiceClock}: the device clock corrected by the
 * time DPS writes into its answers, so a gateway whose clock is wrong still provisions.
 * Private to the bundle.
 */
package io.kuradps.provisioning.protocol;
