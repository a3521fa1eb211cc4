package io.kuradps.provisioning.component;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.kura.HubLinkStatus;

/**
 * Gogo shell commands {@code dps:status} and {@code dps:provision}. Gogo finds the methods by name on any service
 * with these properties, so no Gogo API is needed at compile or run time.
 */
@Component(service = DpsCommands.class, property = { "osgi.command.scope=dps", "osgi.command.function=status",
    "osgi.command.function=provision" })
public final class DpsCommands {

    private volatile DpsProvisioning provisioning;
    private volatile HubLinkStatus hubLink;

    @Reference(name = "provisioning", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetProvisioning")
    void setProvisioning(DpsProvisioning service) {
        provisioning = service;
    }

    void unsetProvisioning(DpsProvisioning service) {
        if (provisioning == service) {
            provisioning = null;
        }
    }

    @Reference(name = "hubLink", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetHubLink")
    void setHubLink(HubLinkStatus service) {
        hubLink = service;
    }

    void unsetHubLink(HubLinkStatus service) {
        if (hubLink == service) {
            hubLink = null;
        }
    }

    /** dps:status - what the provisioner is doing and the assignment it holds, then the hub link's line. */
    public String status() {
        DpsProvisioning service = provisioning;
        return (service == null ? notConfigured() : service.status().toString()) + System.lineSeparator()
                + HubLinkStatus.line(hubLink);
    }

    /** dps:provision - register afresh with DPS now. */
    public String provision() {
        DpsProvisioning service = provisioning;
        if (service == null) {
            return notConfigured();
        }
        service.reprovision();
        return "Re-provisioning requested; follow it with dps:status";
    }

    private static String notConfigured() {
        return "The DPS provisioner is not configured (PID " + DpsProvisioner.PID + ")";
    }
}
