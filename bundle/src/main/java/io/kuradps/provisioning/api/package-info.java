/**
 * What other bundles use to learn which IoT hub this gateway was assigned: the assignment value, the
 * provisioning service, and the EventAdmin topic and property names. Semantically versioned.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.kuradps.provisioning.api;
