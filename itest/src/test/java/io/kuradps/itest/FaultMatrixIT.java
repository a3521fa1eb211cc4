package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ATTEMPT;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_CODE;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_REQUEST_PROVISION;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.composite;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Counters.EventKind;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults.Trigger;

/**
 * Every fault DPS or the network can show, in the OSGi runtime: the gateway first gets hub A from DPS (so a cached
 * assignment exists), then a re-provisioning request meets the fault. For each: what a user sees (events and the
 * service), that retries are bounded and never faster than designed (checked on the simulator's counters), that no
 * unexpected exception is logged, that the cached hub stays in force and on disk, and that no thread is left.
 * Settings are short so the matrix stays quick: 1 s response timeout and backoff, retry-after 1 s, 10 s deadline.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FaultMatrixIT extends SimulatedDpsSupport {

    private static final Duration BACKOFF = Duration.ofSeconds(1);

    @Inject
    private EventAdmin eventAdmin;

    @Override
    @Configuration
    public Option[] configuration() {
        // BouncyCastle makes the wrong server certificates; it comes from the class path as the simulator does.
        return new Option[] { composite(super.configuration()),
            bootDelegationPackages("org.bouncycastle.*") };
    }

    // ---- network and TLS -------------------------------------------------------------------------------------

    @Test
    public void connectionRefusedIsRetriedUntilTheDeadlineThenFailsRetryably() throws Exception {
        String id = "fm-refused";
        String key = provisionedToHubA(id);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            fast(id, key).set("global.endpoint", "127.0.0.1:" + closedPort).applyTo(configurationAdmin);
            Event failed = awaitEvent(TOPIC_FAILED, id);
            assertEquals(Boolean.TRUE, failed.getProperty(RETRYABLE));
            assertNotNull("a fresh run is scheduled", failed.getProperty(RETRY_AT));
            assertContains(failed, "no assignment within 10 s");
            assertContains(failed, "could not be reached");
            List<Event> retries = eventsOn(TOPIC_RETRYING);
            // 10 s deadline, at least 1 s between attempts: at most 10 retries, each no earlier than the last said.
            assertTrue("retries: " + retries.size(), retries.size() >= 1 && retries.size() <= 10);
            assertRetriesSpaced(retries);
            assertNoUnexpectedException(log);
        }
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    @Test
    public void untrustedServerCertificateFailsOnceWithATlsHint() throws Exception {
        String id = "fm-untrusted";
        String key = provisionedToHubA(id);
        long connections = simulator.counters().connections();
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            // Only the bundled DPS roots: the simulator's own CA is not among them.
            fast(id, key).set("ca.file", "").applyTo(configurationAdmin);
            assertTlsFailure(id);
            assertNoUnexpectedException(log);
        }
        assertEquals("one TLS attempt, no retry", connections + 1, simulator.counters().connections());
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    @Test
    public void certificateForAnotherHostFails() throws Exception {
        TestServerCertificates certificates = new TestServerCertificates();
        Instant now = Instant.now();
        assertWrongServerCertificateFails("fm-wrong-host", certificates,
                certificates.server("dps.other.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1))));
    }

    @Test
    public void expiredServerCertificateFails() throws Exception {
        TestServerCertificates certificates = new TestServerCertificates();
        Instant now = Instant.now();
        assertWrongServerCertificateFails("fm-expired", certificates,
                certificates.server("localhost", now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    }

    @Test
    public void serverOfferingOnlyTls11IsRefused() throws Exception {
        String id = "fm-tls11";
        String key = provisionedToHubA(id);
        // A certificate the client would accept is beside the point: the versions fail to meet before it is sent.
        DeviceIdentity identity = simulator.issueDeviceCertificate("localhost");
        try (Tls11OnlyServer server = Tls11OnlyServer.start(workDirectory, identity.pkcs12(), identity.password());
                StandardErrorCapture log = StandardErrorCapture.start()) {
            fast(id, key).set("global.endpoint", "127.0.0.1:" + server.port).applyTo(configurationAdmin);
            Event failed = assertTlsFailure(id);
            String seen = server.outcome();
            System.out.println(KuraStack.NAME + ": TLS 1.1 server saw: " + seen + "; the gateway reported: "
                    + failed.getProperty(ERROR_MESSAGE));
            assertTrue("the server saw a handshake it could not complete: " + seen,
                    seen != null && seen.startsWith("handshake failed"));
            assertNoUnexpectedException(log);
        }
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    private void assertWrongServerCertificateFails(String id, TestServerCertificates certificates, String[] server)
            throws Exception {
        String key = provisionedToHubA(id);
        DpsSimulator wrong = startSimulator(b -> b.serverCertificate(server[0], server[1]));
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            Path ca = workDirectory.resolve(id + "-ca.pem");
            Files.write(ca, certificates.caPem().getBytes(StandardCharsets.US_ASCII));
            // "localhost" is in the expired certificate, not in the other host's one.
            fast(id, key).set("global.endpoint", "localhost:" + wrong.mqttPort()).set("ca.file", ca.toString())
                    .applyTo(configurationAdmin);
            assertTlsFailure(id);
            assertNoUnexpectedException(log);
            assertEquals("one TLS attempt, no retry", 1, wrong.counters().connections());
            assertEquals("no MQTT CONNECT got through", 0, wrong.counters().connects());
        } finally {
            wrong.close();
        }
        // The endpoint host changed, so the hub A assignment is not this configuration's: it is withdrawn, and the
        // file (still that of the first configuration) is untouched.
        KuraDataDirectory.assertCacheHolds(context, id, HUB_A);
        assertEndsCleanly();
    }

    private Event assertTlsFailure(String id) throws InterruptedException {
        Event failed = awaitEvent(TOPIC_FAILED, id);
        assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
        assertNull("permanent: no fresh run", failed.getProperty(RETRY_AT));
        assertContains(failed, "TLS");
        assertContains(failed, "trusted root certificates");
        assertTrue("no retry before the failure: " + events.seen(), eventsOn(TOPIC_RETRYING).isEmpty());
        return failed;
    }

    // ---- MQTT level ------------------------------------------------------------------------------------------

    @Test
    public void connackServerUnavailableIsRetriedAfterTheBackoff() throws Exception {
        retriedOnceThenAssigned("fm-connack-3", Trigger.CONNECT, Fault.refuseConnect(3), EventKind.CONNECT,
                "CONNECT");
    }

    @Test
    public void connackNotAuthorizedFailsWithoutRetry() throws Exception {
        String id = "fm-connack-5";
        String key = provisionedToHubA(id);
        simulator.faults().on(Trigger.CONNECT).forRegistration(id).inject(Fault.refuseConnect(5));
        long connects = count(id, EventKind.CONNECT);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            Event failed = awaitEvent(TOPIC_FAILED, id);
            assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
            assertContains(failed, "UNAUTHORIZED");
            assertContains(failed, "symmetric key");
            assertNoUnexpectedException(log);
        }
        assertEquals(connects + 1, count(id, EventKind.CONNECT));
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    @Test
    public void dropInsteadOfConnackIsRetried() throws Exception {
        retriedOnceThenAssigned("fm-drop-connect", Trigger.CONNECT, Fault.drop(), EventKind.CONNECT, "NETWORK");
    }

    @Test
    public void dropAfterSubackIsRetried() throws Exception {
        retriedOnceThenAssigned("fm-drop-subscribe", Trigger.SUBSCRIBE, Fault.dropAfterAnswer(), EventKind.CONNECT,
                "CONNECTION_LOST");
    }

    @Test
    public void dropAfterTheRegisterPublishIsRetried() throws Exception {
        retriedOnceThenAssigned("fm-drop-register", Trigger.REGISTER, Fault.drop(), EventKind.REGISTER,
                "CONNECTION_LOST");
    }

    @Test
    public void dropMidPollIsRetriedWithAFreshRegistration() throws Exception {
        retriedOnceThenAssigned("fm-drop-poll", Trigger.POLL, Fault.drop(), EventKind.CONNECT, "CONNECTION_LOST");
    }

    @Test
    public void silenceEndsInTheResponseTimeoutAndAFreshConnection() throws Exception {
        retriedOnceThenAssigned("fm-silence", Trigger.REGISTER, Fault.silence(), EventKind.CONNECT,
                "RESPONSE_TIMEOUT");
    }

    // ---- DPS answers -----------------------------------------------------------------------------------------

    @Test
    public void malformedJsonIsRetried() throws Exception {
        retriedOnceThenAssigned("fm-malformed", Trigger.REGISTER, Fault.malformedJson(), EventKind.REGISTER,
                "PROTOCOL");
    }

    @Test
    public void answerWithAnotherRidIsIgnoredUntilTheResponseTimeout() throws Exception {
        retriedOnceThenAssigned("fm-wrong-rid", Trigger.REGISTER, Fault.wrongRequestId(), EventKind.CONNECT,
                "RESPONSE_TIMEOUT");
    }

    @Test
    public void throttledWithoutRetryAfterBacksOff() throws Exception {
        retriedOnceThenAssigned("fm-429-bare", Trigger.REGISTER, Fault.throttled(null), EventKind.REGISTER,
                "THROTTLED");
    }

    @Test
    public void serverError500IsRetried() throws Exception {
        retriedOnceThenAssigned("fm-500", Trigger.REGISTER, Fault.serverError(500), EventKind.REGISTER,
                "SERVER_ERROR");
    }

    @Test
    public void serverError503OnAPollRepollsTheSameOperation() throws Exception {
        String id = "fm-503-poll";
        retriedOnceThenAssigned(id, Trigger.POLL, Fault.serverError(503), EventKind.POLL, "SERVER_ERROR");
        // One register and three polls in all: the first run's, then the 503 one and its repeat.
        assertEquals(2, count(id, EventKind.REGISTER));
        assertEquals(3, count(id, EventKind.POLL));
    }

    @Test
    public void oversizeBodyIsHandledWithoutAnUnexpectedException() throws Exception {
        String id = "fm-oversize";
        String key = provisionedToHubA(id);
        simulator.faults().on(Trigger.POLL).forRegistration(id).times(1).inject(Fault.oversize(300_000));
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            // Valid JSON padded with whitespace: taken as it is, or retried; either way the gateway ends on hub A.
            Event assigned = awaitAssigned(id);
            assertEquals(HUB_A, assigned.getProperty(ASSIGNED_HUB));
            assertEquals("dps", assigned.getProperty(SOURCE));
            assertNoUnexpectedException(log);
        }
        assertTrue(count(id, EventKind.REGISTER) <= 3);
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    @Test
    public void repeatedThrottlingIsRetriedAfterEachRetryAfter() throws Exception {
        String id = "fm-429-repeated";
        String key = provisionedToHubA(id);
        simulator.faults().on(Trigger.REGISTER).forRegistration(id).times(3).inject(Fault.throttled(1));
        long registers = count(id, EventKind.REGISTER);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            assertEquals(HUB_A, awaitAssigned(id).getProperty(ASSIGNED_HUB));
            List<Event> retries = eventsOn(TOPIC_RETRYING);
            assertEquals("one RETRYING per 429: " + events.seen(), 3, retries.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, ((Number) retries.get(i).getProperty(ATTEMPT)).intValue());
                assertEquals(429001, ((Number) retries.get(i).getProperty(ERROR_CODE)).intValue());
            }
            assertNoUnexpectedException(log);
        }
        assertEquals("three throttled registers and the one that worked", registers + 4, count(id, EventKind.REGISTER));
        assertNoRequestBeforeTheWaitItWasGiven(id);
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    @Test
    public void failedAllocationFailsPermanentlyWithDpsCode() throws Exception {
        permanentFailure("fm-failed", Fault.failed(400207, "Custom allocation failed with status code: 400"),
                400207, "custom allocation");
    }

    @Test
    public void disabledRegistrationFailsPermanently() throws Exception {
        permanentFailure("fm-disabled", Fault.disabled(), 0, "disabled");
    }

    @Test
    public void enrollmentWithoutAHubFailsPermanentlyNamingTheCause() throws Exception {
        String id = "fm-no-hub";
        String key = provisionedToHubA(id);
        // The operator unlinks every hub: DPS answers status failed, 400208.
        simulator.enrollments().put(simulator.enrollments().individual(id).get().withIotHubs());
        long registers = count(id, EventKind.REGISTER);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            Event failed = awaitEvent(TOPIC_FAILED, id);
            assertEquals(400208, ((Number) failed.getProperty(ERROR_CODE)).intValue());
            assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
            assertContains(failed, "no IoT hub is linked");
            assertNoUnexpectedException(log);
        }
        assertEquals(registers + 1, count(id, EventKind.REGISTER));
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    private void permanentFailure(String id, Fault fault, int code, String hint) throws Exception {
        String key = provisionedToHubA(id);
        simulator.faults().on(Trigger.REGISTER).forRegistration(id).inject(fault);
        long registers = count(id, EventKind.REGISTER);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            Event failed = awaitEvent(TOPIC_FAILED, id);
            assertEquals(code, ((Number) failed.getProperty(ERROR_CODE)).intValue());
            assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
            assertNull("permanent: no fresh run", failed.getProperty(RETRY_AT));
            assertContains(failed, hint);
            assertNoUnexpectedException(log);
        }
        assertEquals("one register, no retry", registers + 1, count(id, EventKind.REGISTER));
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    /**
     * The fault hits once: one RETRYING naming {@code kind}, then hub A again from DPS. {@code counted} is the
     * request that must have been made exactly once more than a clean run makes it.
     */
    private void retriedOnceThenAssigned(String id, Trigger trigger, Fault fault, EventKind counted, String kind)
            throws Exception {
        String key = provisionedToHubA(id);
        long before = count(id, counted);
        long cleanRun = before; // the first registration was a clean run
        simulator.faults().on(trigger).forRegistration(id).times(1).inject(fault);
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            requestReprovisioning();
            Event assigned = awaitAssigned(id);
            assertEquals(HUB_A, assigned.getProperty(ASSIGNED_HUB));
            assertEquals("dps", assigned.getProperty(SOURCE));
            List<Event> retries = eventsOn(TOPIC_RETRYING);
            assertEquals("one retry: " + events.seen(), 1, retries.size());
            assertEquals(1, ((Number) retries.get(0).getProperty(ATTEMPT)).intValue());
            assertEquals(Boolean.TRUE, retries.get(0).getProperty(RETRYABLE));
            assertContains(retries.get(0), kind);
            assertTrue("no FAILED: " + events.seen(), eventsOn(TOPIC_FAILED).isEmpty());
            assertNoUnexpectedException(log);
        }
        assertEquals("requests of kind " + counted + ": " + simulator.counters().events(id), before + cleanRun + 1,
                count(id, counted));
        assertNoRequestBeforeTheWaitItWasGiven(id);
        assertCachedHubAIntact(id);
        assertEndsCleanly();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** Enrolls {@code id} to hub A, provisions it with the fast settings, and forgets the events so far. */
    private String provisionedToHubA(String id) throws Exception {
        String key = enrollIndividual(id, HUB_A);
        fast(id, key).applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned(id).getProperty(SOURCE));
        KuraDataDirectory.assertCacheHolds(context, id, HUB_A);
        events.close();
        events = ProvisioningEventLog.listen(context);
        return key;
    }

    private DpsProvisionerConfiguration fast(String id, String key) {
        return individual(id, key)
                .set("response.timeout.seconds", 1)
                .set("backoff.max.seconds", (int) BACKOFF.getSeconds())
                .set("max.retry.after.seconds", 1)
                .set("deadline.seconds", 10)
                .set("retry.pause.max.seconds", 10);
    }

    private void requestReprovisioning() {
        eventAdmin.postEvent(new Event(TOPIC_REQUEST_PROVISION, Collections.<String, Object>emptyMap()));
    }

    private long count(String id, EventKind kind) {
        return simulator.counters().count(id, kind);
    }

    /** The events on {@code topic} among those the log has consumed so far, in order. */
    private List<Event> eventsOn(String topic) throws InterruptedException {
        // Drain what has arrived without waiting, so the list is complete up to the last awaited event.
        while (events.next(Duration.ZERO) != null) {
            // recorded by the log
        }
        List<Event> matching = new ArrayList<>();
        for (Event event : events.recorded()) {
            if (event.getTopic().equals(topic)) {
                matching.add(event);
            }
        }
        return matching;
    }

    private static void assertContains(Event event, String text) {
        String message = (String) event.getProperty(ERROR_MESSAGE);
        assertNotNull("error.message on " + event, message);
        assertTrue("'" + text + "' in: " + message, message.toLowerCase().contains(text.toLowerCase()));
    }

    /** Each retry is announced for no earlier than the event announcing it, and the waits never shrink below 1 s. */
    private static void assertRetriesSpaced(List<Event> retries) {
        for (Event retry : retries) {
            long at = ((Number) retry.getProperty(RETRY_AT)).longValue();
            long announced = ((Number) retry.getProperty(TIMESTAMP)).longValue();
            assertTrue("retry.at " + at + " at least the backoff after " + announced,
                    at - announced >= BACKOFF.toMillis() - 50);
        }
    }

    /**
     * On the simulator's history: after an answer with a retry-after, or a failure, the device's next request
     * (register, poll or connect) comes no earlier than the wait it was given (retry-after, or the 1 s backoff).
     */
    private void assertNoRequestBeforeTheWaitItWasGiven(String id) {
        List<Counters.Event> history = simulator.counters().events(id);
        Instant notBefore = null;
        List<String> early = new ArrayList<>();
        for (Counters.Event event : history) {
            if (event.kind() == EventKind.ANSWER) {
                notBefore = event.retryAfterSeconds() != null ? event.at().plusSeconds(event.retryAfterSeconds())
                        : event.status() >= 400 ? event.at().plus(BACKOFF) : null;
            } else if (event.kind() != EventKind.SUBSCRIBE) {
                if (notBefore != null && event.at().isBefore(notBefore)) {
                    early.add(event + " before " + notBefore);
                }
                notBefore = null;
            }
        }
        assertEquals("requests sent before their wait was over in " + history, new ArrayList<String>(), early);
    }

    private static void assertNoUnexpectedException(StandardErrorCapture log) {
        String text = log.text();
        assertFalse("unexpected failure logged:\n" + text, text.contains("failed unexpectedly"));
        assertFalse("stack trace logged:\n" + text, text.contains("\tat "));
        assertFalse("uncaught exception:\n" + text, text.contains("Exception in thread"));
    }

    /** Hub A is still the assignment in force (service and its properties) and on disk. */
    private void assertCachedHubAIntact(String id) throws Exception {
        DpsProvisioning service = context.getService(context.getServiceReference(DpsProvisioning.class));
        assertEquals(HUB_A, service.currentAssignment().get().assignedHub());
        try (ProvisioningServiceTracker tracker = ProvisioningServiceTracker.open(context,
                "(&(" + ASSIGNED_HUB + "=" + HUB_A + ")(" + REGISTRATION_ID + "=" + id + "))")) {
            assertNotNull("service properties still carry hub A", tracker.await(STEP));
        }
        KuraDataDirectory.assertCacheHolds(context, id, HUB_A);
    }

    /** Deletes the configuration; the component's and Paho's threads must all end. */
    private void assertEndsCleanly() throws Exception {
        DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
        Await.until("the provisioner is deactivated", STEP,
                () -> context.getServiceReference(DpsProvisioning.class) == null);
        boolean ended = Await.within(STEP, () -> providerThreads().isEmpty());
        assertTrue("threads left: " + providerThreads(), ended);
    }

    static List<String> providerThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread.isAlive() && (name.startsWith("kura-dps-") || name.startsWith("MQTT "))) {
                names.add(name);
            }
        }
        return names;
    }
}
