package io.kuradps.provisioning.device;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.api.ProvisioningStatus;

/** The provisioner as the room sees it: an assignment, a status, and what a re-provisioning request does. */
final class ProvisioningFakes {

    static final Instant ASSIGNED_AT = Instant.parse("2026-12-01T09:00:00Z");

    private ProvisioningFakes() {
    }

    static Assignment assignment(String hub) {
        return Assignment.builder().assignedHub(hub).deviceId("gw-1").registrationId("gw-1").idScope("0ne00000001")
                .substatus("initialAssignment").payloadJson("{\"tenantSecret\":\"do-not-publish\"}")
                .assignedAt(ASSIGNED_AT).source(Assignment.Source.DPS)
                .certificate(new IssuedCertificate("AB:CD", Instant.parse("2027-01-01T00:00:00Z"), "DeviceKeystore",
                        "kura-dps-device"))
                .build();
    }

    /** A provisioner holding an assignment; {@link #onReprovision} is what its run does (posts events). */
    static final class Provisioner implements DpsProvisioning {
        volatile Assignment assignment = assignment("hub-a.azure-devices.net");
        volatile ProvisioningStatus.State state = ProvisioningStatus.State.ASSIGNED;
        volatile Runnable onReprovision = () -> { };
        final AtomicInteger reprovisions = new AtomicInteger();

        @Override
        public Optional<Assignment> currentAssignment() {
            return Optional.ofNullable(assignment);
        }

        @Override
        public ProvisioningStatus status() {
            return ProvisioningStatus.of(state, assignment, ASSIGNED_AT);
        }

        @Override
        public void reprovision() {
            reprovisions.incrementAndGet();
            onReprovision.run();
        }
    }
}
