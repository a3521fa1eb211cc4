/**
 * The gateway as an IoT Hub device once the hub link has connected it: the device twin (reported provisioning
 * state, desired properties for other bundles and, opt-in, for Kura's configuration) and direct methods (the
 * whiteboard's and the built-ins), over the DataService the hub link drives, never a connection of its own. The
 * protocol is {@code iothub}'s; this room sequences it over Kura's services. Depends on {@code api}, {@code iothub},
 * {@code protocol} (the waits) and {@code kura}; no package depends on it. Private to the bundle.
 */
package io.kuradps.provisioning.device;
