package io.kuradps.provisioning.component;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.FlowResult;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link Registrar}: the protocol core's flow, driven over Paho MQTT. */
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
        RegistrationFlow flow = new RegistrationFlow(registration.settings, serviceClock, new SecureRandom(),
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
        return RunOutcome.assigned(Assignment.builder()
                .assignedHub(assigned.assignedHub().orElse(null))
                .deviceId(assigned.deviceId().orElse(null))
                .registrationId(identity.registrationId)
                .idScope(identity.idScope)
                .substatus(assigned.substatus().orElse(null))
                .payloadJson(assigned.payloadJson().orElse(null))
                .assignedAt(clock.instant())
                .source(Assignment.Source.DPS)
                .build());
    }
}
