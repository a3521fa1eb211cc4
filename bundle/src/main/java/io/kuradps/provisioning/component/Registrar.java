package io.kuradps.provisioning.component;

import java.util.function.Consumer;

import io.kuradps.provisioning.protocol.FlowAction;

/** Registers the gateway with DPS once, retrying inside the run as the protocol allows, until done or failed. */
interface Registrar {

    /**
     * Runs on the provisioner's worker thread and blocks until the run ends.
     *
     * @param retries told about each transient failure inside the run, before the next attempt
     * @throws InterruptedException when the run was cancelled; every connection it opened is closed by then
     * @throws InvalidConfigurationException when what the configuration points to (a CA file, a PKCS#12 file and
     *                                       its password, a keystore entry) cannot be used; nothing was sent then
     */
    RunOutcome register(ProvisioningConfig.Registration registration, Consumer<FlowAction.Retrying> retries)
            throws InterruptedException, InvalidConfigurationException;
}
