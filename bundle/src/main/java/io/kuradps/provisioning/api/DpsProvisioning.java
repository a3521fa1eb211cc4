package io.kuradps.provisioning.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The provisioning service. It is registered as soon as the provisioner is configured; while it holds an
 * assignment, the registration carries the assignment as service properties (names in
 * {@link ProvisioningEvents}), so a bundle that starts late can wait for it with a reference target such as
 * {@code (assigned.hub=*)}. Implemented by this bundle only.
 */
@ProviderType
public interface DpsProvisioning {

    /** The assignment in force, fresh or from the cache ({@link Assignment#source()} tells which). */
    Optional<Assignment> currentAssignment();

    ProvisioningStatus status();

    /**
     * Asks for a fresh registration with DPS, e.g. after the assigned hub refused the connection. Returns at
     * once; the outcome arrives as events and as updated service properties. Any registration in flight is
     * cancelled first. Ignored while the provisioner is disabled.
     */
    void reprovision();
}
