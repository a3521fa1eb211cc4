package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ATTEMPT;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_CODE;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.PAYLOAD;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.inject.Inject;

import org.eclipse.kura.crypto.CryptoService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.CustomAllocation;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;
import io.kuradps.testsupport.kura.MarkingCryptoService;

/** Provisioning with symmetric keys through the component, as a Kura gateway would, against the simulator. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProvisioningIT extends SimulatedDpsSupport {

    @Inject
    private EventAdmin eventAdmin;

    @Test
    public void individualEnrollmentWithSymmetricKeyGetsItsHub() throws Exception {
        String key = enrollIndividual("gw-individual",
                e -> e.withIotHubs(HUB_A).withDeviceId("gw-individual-device"));

        individual("gw-individual", key).applyTo(configurationAdmin);

        awaitEvent(TOPIC_STARTED, "gw-individual");
        Event assigned = awaitAssigned("gw-individual");
        assertEquals(HUB_A, assigned.getProperty(ASSIGNED_HUB));
        assertEquals("gw-individual-device", assigned.getProperty(DEVICE_ID));
        assertEquals("dps", assigned.getProperty(SOURCE));
    }

    @Test
    public void neitherTheKeyNorTheSasTokenReachesALogLineOrAnEvent() throws Exception {
        String key = enrollIndividual("gw-secret", HUB_A);
        String wrongKey = newKey();
        String log;
        try (StandardErrorCapture capture = StandardErrorCapture.start()) {
            individual("gw-secret", key).applyTo(configurationAdmin);
            awaitAssigned("gw-secret");
            // Also through a failure, whose explanation is the likeliest place for a secret to slip in.
            individual("gw-secret", wrongKey).applyTo(configurationAdmin);
            awaitEvent(TOPIC_FAILED, "gw-secret");
            log = capture.text();
        }
        assertTrue("the bundle logged while registering", log.contains("gw-secret"));
        String everything = log + events.seen();
        assertFalse("key in logs or events", everything.contains(key));
        assertFalse("wrong key in logs or events", everything.contains(wrongKey));
        assertFalse("SAS token in logs or events", everything.contains("SharedAccessSignature"));
        assertFalse("SAS signature in logs or events", everything.contains("sig="));
    }

    @Test
    public void groupEnrollmentDerivesTheDeviceKeyFromTheGroupKey() throws Exception {
        String groupKey = newKey();
        simulator.enrollments().put(Enrollment.group("kura-gateways", Attestation.symmetricKey(groupKey))
                .withIotHubs(HUB_B));

        configuration(simulator).symmetricKey("gw-group-member-1", "group", groupKey).applyTo(configurationAdmin);

        Event assigned = awaitAssigned("gw-group-member-1");
        assertEquals(HUB_B, assigned.getProperty(ASSIGNED_HUB));
        assertEquals("gw-group-member-1", assigned.getProperty(DEVICE_ID));
    }

    @Test
    public void customPayloadIsSentAndTheReturnedPayloadIsPublished() throws Exception {
        String key = enrollIndividual("gw-payload", e -> e.withIotHubs(HUB_A).withCustomAllocation(
                (registrationId, requestPayloadJson, linkedHubs) -> new CustomAllocation.Decision(linkedHubs.get(0),
                        null, "{\"echo\":" + requestPayloadJson + "}")));

        individual("gw-payload", key)
                .set("custom.payload", "{\"modelId\":\"dtmi:kuradps:gateway;1\"}")
                .applyTo(configurationAdmin);

        Event assigned = awaitAssigned("gw-payload");
        String payload = (String) assigned.getProperty(PAYLOAD);
        assertNotNull("payload on ASSIGNED", payload);
        assertTrue("returned payload echoes what was sent: " + payload,
                payload.replace(" ", "").contains("\"echo\":{\"modelId\":\"dtmi:kuradps:gateway;1\"}"));
    }

    @Test
    public void pollingWaitsForTheRetryAfterDpsAsksFor() throws Exception {
        simulator.close();
        simulator = startSimulator(b -> b.pollsBeforeAssignment(3).retryAfterSeconds(1));
        String key = enrollIndividual("gw-polling", HUB_A);

        individual("gw-polling", key).applyTo(configurationAdmin);
        awaitAssigned("gw-polling");

        List<Counters.Event> history = simulator.counters().events("gw-polling");
        assertEquals("polls " + history, 3, simulator.counters().count("gw-polling", Counters.EventKind.POLL));
        Instant notBefore = null;
        List<String> early = new ArrayList<>();
        for (Counters.Event event : history) {
            if (event.kind() == Counters.EventKind.POLL && notBefore != null && event.at().isBefore(notBefore)) {
                early.add(event + " before " + notBefore);
            }
            if (event.kind() == Counters.EventKind.ANSWER && event.retryAfterSeconds() != null) {
                notBefore = event.at().plusSeconds(event.retryAfterSeconds());
            }
        }
        assertEquals("polls sent before the retry-after elapsed", new ArrayList<String>(), early);
    }

    @Test
    public void throttledRegistrationIsRetriedAfterTheRetryAfterAndSucceeds() throws Exception {
        String key = enrollIndividual("gw-throttled", HUB_A);
        simulator.faults().on(Faults.Trigger.REGISTER).forRegistration("gw-throttled").times(1)
                .inject(Fault.throttled(1));

        individual("gw-throttled", key).applyTo(configurationAdmin);

        Event retrying = awaitEvent(TOPIC_RETRYING, "gw-throttled");
        assertEquals(429001, ((Number) retrying.getProperty(ERROR_CODE)).intValue());
        assertEquals(Boolean.TRUE, retrying.getProperty(RETRYABLE));
        assertEquals(1, ((Number) retrying.getProperty(ATTEMPT)).intValue());
        assertNotNull("retry.at", retrying.getProperty(RETRY_AT));
        assertEquals(HUB_A, awaitAssigned("gw-throttled").getProperty(ASSIGNED_HUB));

        List<Counters.Event> history = simulator.counters().events("gw-throttled");
        Instant throttledAt = null;
        Instant retriedAt = null;
        for (Counters.Event event : history) {
            if (event.kind() == Counters.EventKind.ANSWER && event.status() == 429 && throttledAt == null) {
                throttledAt = event.at();
            } else if (event.kind() == Counters.EventKind.REGISTER && throttledAt != null && retriedAt == null) {
                retriedAt = event.at();
            }
        }
        assertNotNull("a 429 answer and a register after it in " + history, retriedAt);
        assertFalse("register again before the retry-after of 1 s: " + history,
                retriedAt.isBefore(throttledAt.plusSeconds(1)));
    }

    @Test
    public void disabledEnrollmentFailsWithoutRetrying() throws Exception {
        String key = enrollIndividual("gw-disabled", e -> e.withIotHubs(HUB_A).withEnabled(false));

        individual("gw-disabled", key).applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-disabled");
        assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
        assertEquals(1, simulator.counters().count("gw-disabled", Counters.EventKind.REGISTER));
    }

    @Test
    public void wrongKeyFailsWithTheDpsErrorCodeAndIsNotRetried() throws Exception {
        enrollIndividual("gw-wrong-key", HUB_A);

        String wrongKey = newKey();
        individual("gw-wrong-key", wrongKey).applyTo(configurationAdmin);

        Event failed = awaitEvent(TOPIC_FAILED, "gw-wrong-key");
        // Real DPS answers a wrong SAS key with 401000 (shared/vectors); any 401xxx code is DPS's word for it.
        int code = ((Number) failed.getProperty(ERROR_CODE)).intValue();
        assertTrue("DPS error code " + code, code >= 401000 && code <= 401999);
        assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
        String message = (String) failed.getProperty(ERROR_MESSAGE);
        assertNotNull(message);
        // No retry: a run's attempts come before its FAILED, and a fresh run is scheduled before FAILED is posted,
        // which then carries its retry.at; so a FAILED without retry.at and no RETRYING before it prove none comes.
        assertNull("retry.at on a permanent failure", failed.getProperty(RETRY_AT));
        assertFalse("RETRYING before the permanent failure: " + events.seen(),
                events.recorded().stream().anyMatch(event -> event.getTopic().equals(TOPIC_RETRYING)));
        long connects = simulator.counters().count("gw-wrong-key", Counters.EventKind.CONNECT);
        assertTrue("connection attempts after a permanent failure: " + connects, connects <= 1);
        assertFalse("the key appears in an event: " + events.seen(), events.seen().toString().contains(wrongKey));
    }

    @Test
    public void invalidIdScopeFailsNamingTheFieldWithoutContactingDps() throws Exception {
        configuration(simulator).symmetricKey("gw-bad-scope", "individual", newKey())
                .set("id.scope", "not a scope")
                .applyTo(configurationAdmin);

        Event failed = events.await(TOPIC_FAILED, STEP);
        String message = (String) failed.getProperty(ERROR_MESSAGE);
        assertTrue("names the field: " + message, message.toLowerCase().contains("scope"));
        assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
        assertEquals("connections to DPS", 0, simulator.counters().connections());
    }

    @Test
    public void provisionRequestAfterTheEnrollmentMovedSignalsTheNewHub() throws Exception {
        String key = enrollIndividual("gw-request", HUB_A);
        individual("gw-request", key).applyTo(configurationAdmin);
        awaitAssigned("gw-request");
        // The operator moves the enrollment to another hub, and the old hub refuses the gateway ...
        simulator.enrollments().put(simulator.enrollments().individual("gw-request").get().withIotHubs(HUB_B));

        // ... so the cloud connection bundle asks for a fresh registration.
        eventAdmin.postEvent(
                new Event(ProvisioningEvents.TOPIC_REQUEST_PROVISION, Collections.<String, Object>emptyMap()));

        Event moved = awaitAssigned("gw-request");
        assertEquals(HUB_B, moved.getProperty(ASSIGNED_HUB));
        assertEquals("dps", moved.getProperty(SOURCE));
        assertEquals(Boolean.TRUE, moved.getProperty(ProvisioningEvents.HUB_CHANGED));
        assertEquals(HUB_A, moved.getProperty(ProvisioningEvents.PREVIOUS_HUB));
        assertEquals(2, simulator.counters().count("gw-request", Counters.EventKind.REGISTER));
        // The service properties follow the change (updated beside the asynchronous event, so wait for them).
        try (ProvisioningServiceTracker tracker = ProvisioningServiceTracker.open(context,
                "(&(assigned.hub=" + HUB_B + ")(registration.id=gw-request))")) {
            assertNotNull("service with the new hub", tracker.await(STEP));
        }
    }

    @Test
    public void changedConfigurationProvisionsAgain() throws Exception {
        String keyA = enrollIndividual("gw-before", HUB_A);
        String keyB = enrollIndividual("gw-after", HUB_B);

        individual("gw-before", keyA).applyTo(configurationAdmin);
        assertEquals(HUB_A, awaitAssigned("gw-before").getProperty(ASSIGNED_HUB));

        individual("gw-after", keyB).applyTo(configurationAdmin);
        Event reassigned = awaitAssigned("gw-after");
        assertEquals(HUB_B, reassigned.getProperty(ASSIGNED_HUB));
        assertEquals("dps", reassigned.getProperty(SOURCE));
        assertEquals(1, simulator.counters().count("gw-after", Counters.EventKind.REGISTER));
    }

    @Test
    public void lateConsumerFindsTheAssignmentOnTheService() throws Exception {
        String key = enrollIndividual("gw-late", e -> e.withIotHubs(HUB_B).withDeviceId("gw-late-device"));
        individual("gw-late", key).applyTo(configurationAdmin);
        awaitAssigned("gw-late");

        // A bundle that starts only now: it tracks the service with the filter a DS reference target would use.
        try (ProvisioningServiceTracker tracker = ProvisioningServiceTracker.open(context,
                "(&(assigned.hub=*)(registration.id=gw-late))")) {
            DpsProvisioning service = tracker.await(STEP);
            assertNotNull("service with an assignment", service);
            ServiceReference<DpsProvisioning> reference = tracker.reference();
            assertEquals(HUB_B, reference.getProperty(ASSIGNED_HUB));
            assertEquals("gw-late-device", reference.getProperty(DEVICE_ID));
            assertEquals("dps", reference.getProperty(SOURCE));
            assertEquals(HUB_B, service.currentAssignment().get().assignedHub());
        }
    }

    @Test
    public void encryptedKeyIsDecryptedThroughKurasCryptoService() throws Exception {
        String key = enrollIndividual("gw-encrypted", HUB_A);
        MarkingCryptoService crypto = new MarkingCryptoService();
        ServiceRegistration<CryptoService> registration = context.registerService(CryptoService.class, crypto, null);
        try {
            configuration(simulator).symmetricKey("gw-encrypted", "individual", crypto.encrypt(key))
                    .applyTo(configurationAdmin);

            assertEquals(HUB_A, awaitAssigned("gw-encrypted").getProperty(ASSIGNED_HUB));
            assertTrue("CryptoService.decryptAes was used", crypto.decryptions() > 0);
        } finally {
            DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
            registration.unregister();
        }
    }
}
