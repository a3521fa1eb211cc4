package io.kuradps.provisioning.component;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.FailureKind;
import io.kuradps.provisioning.protocol.IssuedCertificateChain;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.FlowResult;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Registrar}: the protocol core's flow, driven over Paho MQTT; with a certificate request, the
 * key pair and CSR made in Kura's keystore before the run and the issued certificate stored after it.
 */
final class DpsRegistrar implements Registrar {

    private static final Logger LOG = LoggerFactory.getLogger(DpsRegistrar.class);

    private final KuraKeystores keystores;
    private final ServiceClock serviceClock;
    private final Clock clock;
    /**
     * When the throttling that ended the last run began, for the registration identity it was throttled with; null
     * once a run got a good answer. A fleet throttled beyond one deadline keeps the spread it had reached.
     */
    private Instant throttledSince;
    private RegistrationIdentity throttledIdentity;

    /** @param serviceClock the component's clock; runs sign by it and correct it with DPS's time */
    DpsRegistrar(KuraKeystores keystores, ServiceClock serviceClock) {
        this.keystores = keystores;
        this.serviceClock = serviceClock;
        this.clock = serviceClock.device();
    }

    private synchronized Instant carriedThrottle(RegistrationIdentity identity) {
        return identity.equals(throttledIdentity) ? throttledSince : null;
    }

    private synchronized void rememberThrottle(RegistrationIdentity identity, RegistrationFlow flow) {
        throttledSince = flow.throttledSince().orElse(null);
        throttledIdentity = identity;
    }

    @Override
    public RunOutcome register(ProvisioningConfig.Registration registration, Consumer<FlowAction.Retrying> retries)
            throws InterruptedException, InvalidConfigurationException {
        RegistrationIdentity identity = registration.identity;
        DpsEndpoint endpoint = RegistrationSetup.endpoint(identity, keystores);
        if (identity.certificateRequest == null) {
            return run(registration, registration.settings, endpoint, retries, null, null);
        }
        CertificateIssuer issuer = new CertificateIssuer(keystores, identity.certificateRequest,
                identity.registrationId);
        boolean stored = false;
        try {
            // Inside the try: a key pair made before getCSR failed is dropped too.
            CertificateIssuer.PendingKey key = issuer.createKey();
            RegistrationSettings settings;
            try {
                settings = registration.settings.withCertificateSigningRequest(key.csr);
            } catch (DpsProtocolException e) {
                throw new InvalidConfigurationException(RegistrationSetup.propertyId(
                        e.field().orElse(DpsProtocolException.Field.CERTIFICATE_SIGNING_REQUEST)), e.problem());
            }
            RunOutcome outcome = run(registration, settings, endpoint, retries, issuer, key);
            stored = outcome.assignment().isPresent();
            return outcome;
        } finally {
            if (!stored) {
                issuer.discard();
            }
        }
    }

    /** One run of the flow; with an issuer, an assignment holds only once its certificate is validated and stored. */
    private RunOutcome run(ProvisioningConfig.Registration registration, RegistrationSettings settings,
            DpsEndpoint endpoint, Consumer<FlowAction.Retrying> retries, CertificateIssuer issuer,
            CertificateIssuer.PendingKey key) throws InterruptedException, InvalidConfigurationException {
        RegistrationIdentity identity = registration.identity;
        RegistrationFlow flow = new RegistrationFlow(settings, serviceClock, new SecureRandom(),
                carriedThrottle(identity));
        Duration offsetBefore = serviceClock.offset();
        FlowResult result;
        try {
            result = new MqttFlowRunner(endpoint, clock, registration.timing.responseTimeout).run(flow, retries);
        } finally {
            rememberThrottle(identity, flow);
        }
        LOG.info("Registration took {} MQTT round trip(s) over {} connection(s)", result.roundTrips(),
                result.connections());
        if (!serviceClock.offset().equals(offsetBefore)) {
            serviceClock.lastMeasurement().ifPresent(skew -> LOG.warn("{}; this device's tokens (for DPS and the"
                    + " hub) are signed by DPS's time until Kura's clock service sets the clock", skew.describe()));
        }
        Optional<DeviceRegistration> registered = result.registration();
        if (!registered.isPresent()) {
            return RunOutcome.failed(result.failure().orElseThrow(IllegalStateException::new), result.attempt());
        }
        DeviceRegistration assigned = registered.get();
        Assignment.Builder assignment = Assignment.builder()
                .assignedHub(assigned.assignedHub().orElse(null))
                .deviceId(assigned.deviceId().orElse(null))
                .registrationId(identity.registrationId)
                .idScope(identity.idScope)
                .substatus(assigned.substatus().orElse(null))
                .payloadJson(assigned.payloadJson().orElse(null))
                .assignedAt(clock.instant())
                .source(Assignment.Source.DPS);
        if (issuer != null) {
            IssuedCertificateChain chain;
            try {
                chain = IssuedCertificateChain.validate(assigned.issuedCertificateChain(), key.publicKey,
                        identity.registrationId, serviceClock.instant());
            } catch (DpsProtocolException e) {
                return RunOutcome.failed(unusableCertificate(e), result.attempt());
            }
            assignment.certificate(issuer.store(chain));
        }
        return RunOutcome.assigned(assignment.build());
    }

    /**
     * DPS assigned the device but its certificate cannot be used: nothing is stored and the assignment in force
     * (with its certificate) is kept. Only a validity the device clock may explain is worth another run.
     */
    private static Failure unusableCertificate(DpsProtocolException problem) {
        boolean clock = problem.getMessage().contains("not valid at");
        return new Failure(0, FailureKind.PROTOCOL, clock, problem.getMessage(),
                "DPS assigned the device, but the certificate it issued was refused, so neither it nor the assignment"
                        + " was taken; the certificate in force, if any, is kept. "
                        + (clock ? "Check the device clock." : "Check the enrollment's Azure Device Registry"
                                + " credential policy. Nothing changes until the configuration or the enrollment"
                                + " does."),
                null, clock);
    }
}
