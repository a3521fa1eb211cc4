/**
 * What other bundles use to learn which IoT hub this gateway was assigned: the assignment value, the
 * provisioning service, the EventAdmin topic and property names, and those of the hub link (1.1); the
 * certificate DPS issued, never its key (1.2); the hub link's MISCONFIGURED and RETRYING events and their reasons,
 * REFUSED kept for the hub's refusal (1.3). Semantically versioned.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.kuradps.provisioning.api;
