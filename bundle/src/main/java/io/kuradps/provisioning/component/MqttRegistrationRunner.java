package io.kuradps.provisioning.component;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.transport.DpsEndpoint;
import io.kuradps.provisioning.transport.FlowResult;
import io.kuradps.provisioning.transport.MqttFlowRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link RegistrationRunner}: the protocol core's flow, driven over Paho MQTT. */
final class MqttRegistrationRunner implements RegistrationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MqttRegistrationRunner.class);

    private final KeystoreLookup keystores;
    private final Clock clock;

    MqttRegistrationRunner(KeystoreLookup keystores, Clock clock) {
        this.keystores = keystores;
        this.clock = clock;
    }

    @Override
    public RegistrationResult register(ProvisioningConfig config, RetryListener retries) throws InterruptedException {
        RegistrationSettings settings;
        DpsEndpoint endpoint;
        try {
            settings = RegistrationSetup.settings(config);
            endpoint = RegistrationSetup.endpoint(config, keystores);
        } catch (InvalidConfigurationException e) {
            return RegistrationResult.failed(0, e.getMessage(), false, 0);
        }
        RegistrationFlow flow = new RegistrationFlow(settings, clock, new SecureRandom());
        FlowResult result = new MqttFlowRunner(endpoint, clock, config.responseTimeout).run(flow,
                retrying -> retries.retrying(retrying.attempt(), retrying.retryAt(), retrying.cause().code(),
                        message(retrying.cause())));
        LOG.info("Registration took {} MQTT round trip(s) over {} connection(s)", result.roundTrips(),
                result.connections());
        Optional<DeviceRegistration> registration = result.registration();
        if (registration.isPresent()) {
            DeviceRegistration assigned = registration.get();
            return RegistrationResult.assigned(Assignment.builder()
                    .assignedHub(assigned.assignedHub().orElse(null))
                    .deviceId(assigned.deviceId().orElse(null))
                    .registrationId(config.registrationId)
                    .idScope(config.idScope)
                    .substatus(assigned.substatus().orElse(null))
                    .payloadJson(assigned.payloadJson().orElse(null))
                    .assignedAt(clock.instant())
                    .source(Assignment.Source.DPS)
                    .build(), result.connections());
        }
        Failure failure = result.failure().orElseThrow(IllegalStateException::new);
        return RegistrationResult.failed(failure.code(), message(failure), failure.retryable(), result.connections());
    }

    /** What DPS said and what to check, in one line for events and logs. */
    static String message(Failure failure) {
        String said = failure.message() == null ? "" : failure.message();
        String hint = failure.explanation() == null ? "" : failure.explanation();
        String text = said.isEmpty() ? hint : hint.isEmpty() ? said : said + " - " + hint;
        return failure.kind() + (text.isEmpty() ? "" : ": " + text)
                + failure.trackingId().map(id -> " (trackingId " + id + ")").orElse("");
    }
}
