package io.kuradps.provisioning.component;

import java.time.Instant;

/** Registers the gateway with DPS once, retrying inside the run as the protocol allows, until done or failed. */
interface RegistrationRunner {

    /** Told about each transient failure inside a run, before the next attempt. */
    interface RetryListener {
        void retrying(int attempt, Instant retryAt, int errorCode, String errorMessage);
    }

    /**
     * Runs on the provisioner's worker thread and blocks until the run ends.
     *
     * @throws InterruptedException when the run was cancelled; every connection it opened is closed by then
     */
    RegistrationResult register(ProvisioningConfig config, RetryListener retries) throws InterruptedException;
}
