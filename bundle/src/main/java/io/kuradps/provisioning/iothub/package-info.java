/**
 * The IoT Hub device protocol once connected, without any I/O: the topics of the device twin, direct methods,
 * cloud-to-device messages and telemetry built and parsed; twin documents, desired and reported patches with their
 * {@code $version}; the reported state kept by JSON merge patches; method requests and answers; IoT Hub's status
 * codes and size limits; {@code $rid} matching with deadlines on an injected clock; the decision whether a desired
 * Kura configuration may be applied. The twin's request and answer traffic is a state machine ({@link
 * io.kuradps.provisioning.iothub.TwinSession}) fed with events that returns actions, as the DPS core's
 * registration flow. Bad input from the hub raises only {@link io.kuradps.provisioning.iothub.HubProtocolException};
 * what the gateway would send beyond a limit raises {@link io.kuradps.provisioning.iothub.HubLimitException} before
 * anything is sent. Private to the bundle.
 */
package io.kuradps.provisioning.iothub;
