/**
 * The gateway as an IoT Hub device, for other bundles: answer direct methods by registering a {@link
 * io.kuradps.provisioning.api.device.DirectMethodHandler} (whiteboard), read the device twin's desired and reported
 * properties and contribute reported properties through the {@link io.kuradps.provisioning.api.device.DeviceTwin}
 * service, and follow desired-property updates as EventAdmin events ({@link
 * io.kuradps.provisioning.api.device.DeviceTwinEvents}). JSON travels as text; no JSON library's types appear here.
 * Semantically versioned.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kuradps.provisioning.api.device;
