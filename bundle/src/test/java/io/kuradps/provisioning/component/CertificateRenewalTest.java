package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_NOT_AFTER;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.protocol.FakeClock;
import io.kuradps.provisioning.protocol.ServiceClock;
import io.kuradps.provisioning.testing.Await;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;

/**
 * The renewal point against the certificates DPS really issues, 1 to 90 days: the simulator issues them by a fake
 * clock that the worker's delays wait for too, so a day or a quarter passes at once. With the default
 * {@code certificate.renew.before.hours} (a week) a 1-day certificate is renewed halfway through its life, never at
 * once nor in a loop, and a 90-day one a week before it ends; a renewal that lands brings the next one.
 */
class CertificateRenewalTest {

    /**
     * In whole seconds, as X.509 times are, and ahead of the real clock, by which the simulator also makes sure its
     * certificates are valid (the later of the two ends them); each test moves it on.
     */
    private static final FakeClock CLOCK = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS)
            .plus(Duration.ofMinutes(10)));

    @TempDir
    static Path files;
    static DpsSimulator simulator;

    @TempDir
    Path cache;

    private final IssuingKeystore keystore = new IssuingKeystore();
    private final IssuingKeystore pending = new IssuingKeystore(keystore);
    private final BlockingQueue<Map<String, Object>> assigned = new LinkedBlockingQueue<>();
    private FakeClockScheduler scheduler;
    private ProvisioningWorker worker;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1).idScope("0ne00000A0A")
                // The register is answered with the assignment: a poll would wait for retry-after by the fake clock.
                .caDirectory(files).clock(CLOCK).pollsBeforeAssignment(0)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gw-day", Attestation.symmetricKey(TestConfigs.DEVICE_KEY))
                                .withCertificateValidityDays(1),
                        Enrollment.individual("gw-quarter", Attestation.symmetricKey(TestConfigs.DEVICE_KEY))
                                .withCertificateValidityDays(90)))
                .start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void close() throws InterruptedException {
        if (worker != null) {
            assertThat(worker.close(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aOneDayCertificateIsRenewedHalfwayWithTheDefaultWeekAhead() throws Exception {
        Instant issued = CLOCK.instant();
        Map<String, Object> first = provision("gw-day");
        assertThat(notAfter(first)).isEqualTo(issued.plus(Duration.ofDays(1)));
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofHours(12));

        scheduler.advance(Duration.ofHours(12).minusSeconds(1));
        assertThat(scheduler.pending()).as("not a second early").isEqualTo(1);
        scheduler.advance(Duration.ofSeconds(1));

        Map<String, Object> renewed = next();
        assertThat(renewed.get(CERTIFICATE_FINGERPRINT)).isNotEqualTo(first.get(CERTIFICATE_FINGERPRINT));
        assertThat(notAfter(renewed)).isEqualTo(issued.plus(Duration.ofHours(36)));
        Await.until("the next renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofHours(12));
    }

    @Test
    void aOneDayCertificateIsRenewedTheConfiguredTimeAheadWhenThatIsAfterHalfway() throws Exception {
        provision("gw-day", "certificate.renew.before.hours", 1);
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofHours(23));
    }

    @Test
    void aNinetyDayCertificateIsRenewedAWeekBeforeItEnds() throws Exception {
        Map<String, Object> first = provision("gw-quarter");
        assertThat(notAfter(first)).isEqualTo(CLOCK.instant().plus(Duration.ofDays(90)));
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofDays(83));

        scheduler.advance(Duration.ofDays(83));

        assertThat(next().get(CERTIFICATE_FINGERPRINT)).isNotEqualTo(first.get(CERTIFICATE_FINGERPRINT));
    }

    @Test
    void theLongestRenewalAheadStillWaitsHalfANinetyDayLife() throws Exception {
        provision("gw-quarter", "certificate.renew.before.hours", DpsProvisionerConfig.RENEW_BEFORE_HOURS_MAX);
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofDays(45));
    }

    private Map<String, Object> provision(String registrationId, Object... more) throws Exception {
        scheduler = new FakeClockScheduler(CLOCK);
        worker = new ProvisioningWorker(new AssignmentStore(cache.resolve("assignment.json")),
                new DpsRegistrar(new KuraKeystores(KeystoreDoubles.context(Map.of(CertificateIssuanceTest.PID,
                        keystore.service, CertificateRequest.PENDING_KEYSTORE_PID, pending.service))),
                        new ServiceClock(CLOCK)),
                new ProvisioningWorker.Output() {
                    @Override
                    public void post(String topic, Map<String, Object> properties) {
                        if (topic.equals(TOPIC_ASSIGNED)) {
                            assigned.add(properties);
                        }
                    }

                    @Override
                    public void assignmentChanged(Assignment current) {
                        // the events say it
                    }
                }, CLOCK, () -> 0.5, Duration.ofHours(1), scheduler);
        List<Object> values = new ArrayList<>(Arrays.asList("registration.id", registrationId, "id.scope",
                "0ne00000A0A", "global.endpoint", "localhost:" + simulator.mqttPort(), "ca.file",
                simulator.caCertificateFile().toString(), "certificate.issuance", true,
                "certificate.keystore.service.pid", CertificateIssuanceTest.PID));
        values.addAll(Arrays.asList(more));
        worker.apply(ProvisioningConfig.from(TestConfigs.valid(values.toArray()), null));
        Map<String, Object> first = next();
        assertThat(first.get(SOURCE)).isEqualTo("dps");
        return first;
    }

    private Map<String, Object> next() throws InterruptedException {
        Map<String, Object> properties = assigned.poll(10, TimeUnit.SECONDS);
        assertThat(properties).as("ASSIGNED within 10 s").isNotNull();
        return properties;
    }

    private static Instant notAfter(Map<String, Object> properties) {
        return Instant.ofEpochMilli((Long) properties.get(CERTIFICATE_NOT_AFTER));
    }
}
