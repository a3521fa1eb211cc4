package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.ATTEMPT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_ALIAS;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_NOT_AFTER;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_CODE;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.HUB_CHANGED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ID_SCOPE;
import static io.kuradps.provisioning.api.ProvisioningEvents.PREVIOUS_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRY_AT;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;
import static io.kuradps.provisioning.component.TestConfigs.concat;
import static io.kuradps.provisioning.component.TestConfigs.DEVICE_KEY;
import static io.kuradps.provisioning.component.TestConfigs.identity;
import static io.kuradps.provisioning.component.TestConfigs.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.IssuedCertificate;
import io.kuradps.provisioning.api.ProvisioningStatus.State;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.FailureKind;
import io.kuradps.provisioning.protocol.FakeClock;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.testing.Await;
import io.kuradps.provisioning.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningWorkerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T07:00:00Z");
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;

    private final Recorder output = new Recorder();
    private final ScriptedRegistrar runner = new ScriptedRegistrar();
    private final FakeClock clock = new FakeClock(NOW);
    private FakeClockScheduler scheduler;
    /** The random part of each pause between runs. */
    private double jitter = 0.5;
    private AssignmentStore store;
    private ProvisioningWorker worker;

    private ProvisioningWorker worker(Duration firstPause) {
        store = new AssignmentStore(dir.resolve("assignment.json"));
        scheduler = new FakeClockScheduler(clock);
        worker = new ProvisioningWorker(store, runner, output, clock, () -> jitter, firstPause, scheduler);
        return worker;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            assertThat(worker.close(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
        }
    }

    static Assignment fromDps(String hub, String registrationId) {
        return Assignment.builder().assignedHub(hub).deviceId(registrationId).registrationId(registrationId)
                .idScope("0ne00000001").assignedAt(NOW).source(Assignment.Source.DPS).build();
    }

    @Test
    void firstStartRegistersPersistsAndPublishes() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded assigned = output.next();
        assertThat(assigned.topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(assigned.properties).containsEntry(ASSIGNED_HUB, "hub-a").containsEntry(SOURCE, "dps");
        assertThat(output.assignments).extracting(Assignment::assignedHub).containsExactly("hub-a");
        assertThat(worker.currentAssignment()).map(Assignment::assignedHub).contains("hub-a");
        assertThat(worker.status().state()).isEqualTo(State.ASSIGNED);
        assertThat(store.load(ProvisioningWorker.cacheKey(identity(valid())))).isPresent();
    }

    @Test
    void cachedAssignmentIsPublishedFirstAndKeptWhenDpsIsUnreachable() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid("reprovision.policy", "every-start"), null);
        store.save(ProvisioningWorker.cacheKey(config.identity().get()), fromDps("hub-a", "gateway-1"));
        runner.then(c -> RunOutcome.failed(failure(0, FailureKind.DEADLINE_EXCEEDED, true, "DPS unreachable"), 3));

        worker.apply(config);

        Recorded cached = output.next();
        assertThat(cached.topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(cached.properties).containsEntry(SOURCE, "cache").containsEntry(ASSIGNED_HUB, "hub-a");
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded failed = output.next();
        assertThat(failed.topic).isEqualTo(TOPIC_FAILED);
        assertThat(failed.properties).containsEntry(RETRYABLE, true).containsKey(RETRY_AT);
        assertThat(worker.currentAssignment()).map(Assignment::source).contains(Assignment.Source.CACHE);
        assertThat(worker.status().state()).isEqualTo(State.RETRYING);
        assertThat(worker.status().retryAt()).isPresent();
    }

    @Test
    void policyWithoutValidCacheDoesNotContactDps() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid("reprovision.policy", "without-valid-cache"), null);
        store.save(ProvisioningWorker.cacheKey(config.identity().get()), fromDps("hub-a", "gateway-1"));

        worker.apply(config);

        assertThat(output.next().properties).containsEntry(SOURCE, "cache");
        awaitState(State.ASSIGNED);
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void onHubErrorTrustsAValidCacheUntilAsked() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid("reprovision.policy", "on-hub-error"), null);
        store.save(ProvisioningWorker.cacheKey(config.identity().get()), fromDps("hub-a", "gateway-1"));
        runner.then(c -> RunOutcome.assigned(fromDps("hub-b", "gateway-1")));

        worker.apply(config);
        assertThat(output.next().properties).containsEntry(SOURCE, "cache");
        awaitState(State.ASSIGNED);
        assertThat(runner.calls).isEmpty();

        // The hub link asks after the hub refused the device.
        worker.reprovision();
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(SOURCE, "dps").containsEntry(ASSIGNED_HUB, "hub-b");
        assertThat(runner.calls).hasSize(1);
    }

    static final Object[] ISSUANCE = { "certificate.issuance", true, "certificate.keystore.service.pid", "K",
        "reprovision.policy", "without-valid-cache" };

    static Assignment withCertificate(Assignment assignment, String fingerprint, Duration validity) {
        return assignment.toBuilder().certificate(new IssuedCertificate(fingerprint,
                assignment.assignedAt().plus(validity), "K", DpsProvisionerConfig.CERTIFICATE_ALIAS_DEFAULT)).build();
    }

    @Test
    void anIssuedCertificateIsRenewedAtItsRenewalPointAndPublished() throws Exception {
        // Issued for no time at all: due at once. Its renewal lasts 30 days: next due in 23 days.
        runner.then(c -> RunOutcome.assigned(withCertificate(fromDps("hub-a", c.registrationId), "OLD",
                Duration.ZERO)));
        runner.then(c -> RunOutcome.assigned(withCertificate(fromDps("hub-a", c.registrationId), "NEW",
                Duration.ofDays(30))));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(ISSUANCE), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(CERTIFICATE_FINGERPRINT, "OLD")
                .containsEntry(CERTIFICATE_NOT_AFTER, NOW.toEpochMilli()).containsEntry(CERTIFICATE_ALIAS,
                        DpsProvisionerConfig.CERTIFICATE_ALIAS_DEFAULT)
                .containsEntry(CERTIFICATE_KEYSTORE_PID, "K");
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded renewed = output.next();
        assertThat(renewed.properties).containsEntry(CERTIFICATE_FINGERPRINT, "NEW").containsEntry(HUB_CHANGED, false);
        assertThat(runner.calls).hasSize(2);
        assertThat(worker.currentAssignment().flatMap(Assignment::certificate))
                .map(IssuedCertificate::sha256Fingerprint).contains("NEW");
        assertThat(store.load(ProvisioningWorker.cacheKey(identity(valid(ISSUANCE)))).flatMap(Assignment::certificate)
                .map(IssuedCertificate::sha256Fingerprint)).contains("NEW");

        // The next renewal waits for the clock: 30 days of validity, renewed 7 days before the end.
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        assertThat(scheduler.delays).last().isEqualTo(Duration.ofDays(23));
        runner.then(c -> RunOutcome.assigned(withCertificate(fromDps("hub-a", c.registrationId), "NEWER",
                Duration.ofDays(30))));
        scheduler.advance(Duration.ofDays(23).minusMillis(1));
        assertThat(runner.calls).hasSize(2);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(CERTIFICATE_FINGERPRINT, "NEWER");
    }

    @Test
    void aCachedCertificateIsKeptUntilDueAndACacheWithoutOneRegisters() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid(ISSUANCE), null);
        AssignmentStore.Key key = ProvisioningWorker.cacheKey(config.identity().get());
        store.save(key, withCertificate(fromDps("hub-a", "gateway-1"), "HELD", Duration.ofDays(30)));

        worker.apply(config);
        assertThat(output.next().properties).containsEntry(SOURCE, "cache").containsEntry(CERTIFICATE_FINGERPRINT,
                "HELD");
        awaitState(State.ASSIGNED);
        assertThat(runner.calls).isEmpty();
        assertThat(worker.close(Duration.ofSeconds(WAIT_SECONDS))).isTrue();

        store.save(key, fromDps("hub-a", "gateway-1"));
        runner.then(c -> RunOutcome.assigned(withCertificate(fromDps("hub-a", c.registrationId), "FIRST",
                Duration.ofDays(30))));
        worker(Duration.ofHours(1)).apply(config);
        assertThat(output.next().properties).containsEntry(SOURCE, "cache").doesNotContainKey(CERTIFICATE_FINGERPRINT);
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(CERTIFICATE_FINGERPRINT, "FIRST");
    }

    @Test
    void aFailedRenewalKeepsTheCertificateInForce() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid(ISSUANCE), null);
        store.save(ProvisioningWorker.cacheKey(config.identity().get()),
                withCertificate(fromDps("hub-a", "gateway-1").toBuilder().assignedAt(NOW.minus(Duration.ofDays(29)))
                        .build(), "HELD", Duration.ofDays(30)));
        runner.then(c -> RunOutcome.failed(failure(400000, FailureKind.BAD_REQUEST, false, "csr refused"), 1));

        worker.apply(config);

        assertThat(output.next().properties).containsEntry(CERTIFICATE_FINGERPRINT, "HELD");
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded failed = output.next();
        assertThat(failed.topic).isEqualTo(TOPIC_FAILED);
        assertThat(failed.properties).containsEntry(ERROR_CODE, 400000);
        assertThat(worker.currentAssignment().flatMap(Assignment::certificate))
                .map(IssuedCertificate::sha256Fingerprint).contains("HELD");
    }

    @Test
    void theDefaultPolicyTrustsAValidCacheButAnEditedRegistrationAsksDps() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig first = ProvisioningConfig.from(valid(), null);
        store.save(ProvisioningWorker.cacheKey(first.identity().get()), fromDps("hub-a", "gateway-1"));
        runner.then(c -> RunOutcome.assigned(fromDps("hub-b", "gateway-1")));

        worker.apply(first);
        assertThat(output.next().properties).containsEntry(SOURCE, "cache");
        awaitState(State.ASSIGNED);
        assertThat(runner.calls).isEmpty();

        // Same cache key (id scope, registration id, host), another key: the operator edited the registration.
        worker.apply(ProvisioningConfig.from(valid("symmetric.key", "b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY="), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(SOURCE, "dps").containsEntry(ASSIGNED_HUB, "hub-b");
        assertThat(runner.calls).hasSize(1);
    }

    @Test
    void freshAssignmentToAnotherHubSignalsTheChange() throws Exception {
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid("reprovision.policy", "every-start"), null);
        store.save(ProvisioningWorker.cacheKey(config.identity().get()), fromDps("hub-a", "gateway-1"));
        runner.then(c -> RunOutcome.assigned(fromDps("hub-b", "gateway-1")));

        worker.apply(config);

        assertThat(output.next().properties).containsEntry(SOURCE, "cache");
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(SOURCE, "dps").containsEntry(HUB_CHANGED, true)
                .containsEntry(PREVIOUS_HUB, "hub-a");
        assertThat(store.load(ProvisioningWorker.cacheKey(config.identity().get()))).map(Assignment::assignedHub)
                .contains("hub-b");
    }

    @Test
    void invalidConfigurationFailsWithoutAttemptAndKeepsTheAssignment() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        output.next();
        output.next();

        worker.reject(new InvalidConfigurationException("id.scope", "is required"));

        Recorded failed = output.next();
        assertThat(failed.topic).isEqualTo(TOPIC_FAILED);
        assertThat(failed.properties).containsEntry(ERROR_CODE, 0).containsEntry(RETRYABLE, false);
        assertThat((String) failed.properties.get(ERROR_MESSAGE)).contains("id.scope: is required");
        assertThat(runner.calls).hasSize(1);
        assertThat(worker.currentAssignment()).map(Assignment::assignedHub).contains("hub-a");
        assertThat(worker.status().state()).isEqualTo(State.FAILED);
    }

    @Test
    void changeThatDoesNotAffectRegistrationRestartsNothing() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        output.next();
        output.next();

        worker.apply(ProvisioningConfig.from(valid("response.timeout.seconds", 5), null));

        assertThat(runner.calls).hasSize(1);
        assertThat(worker.status().state()).isEqualTo(State.ASSIGNED);
    }

    @Test
    void relevantChangeCancelsInFlightWorkWithdrawsTheOldHubAndRegistersAgain() throws Exception {
        CountDownLatch firstCancelled = new CountDownLatch(1);
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        runner.then(blockUntilCancelled(new CountDownLatch(1), firstCancelled));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-c", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        output.next();
        output.next();
        worker.apply(ProvisioningConfig.from(valid("registration.id", "gateway-2"), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);

        worker.apply(ProvisioningConfig.from(valid("registration.id", "gateway-3"), null));

        assertThat(firstCancelled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(ASSIGNED_HUB, "hub-c");
        assertThat(runner.calls).extracting(c -> c.registrationId)
                .containsExactly("gateway-1", "gateway-2", "gateway-3");
        assertThat(output.assignments).extracting(a -> a == null ? null : a.assignedHub())
                .containsExactly("hub-a", null, "hub-c");
    }

    @Test
    void aStartSupersededWhileItRunsPublishesNothing() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-c", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        output.next();
        output.next();
        ProvisioningConfig second = ProvisioningConfig.from(valid("registration.id", "gateway-2"), null);
        store.save(ProvisioningWorker.cacheKey(second.identity().get()), fromDps("hub-b", "gateway-2"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        output.withdrawalEntered = entered;
        output.withdrawalRelease = release;

        // The start for gateway-2 withdraws hub-a and is held there while gateway-3 supersedes it.
        worker.apply(second);
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        worker.apply(ProvisioningConfig.from(valid("registration.id", "gateway-3"), null));
        release.countDown();

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(ASSIGNED_HUB, "hub-c");
        assertThat(output.all).noneMatch(r -> "hub-b".equals(r.properties.get(ASSIGNED_HUB)));
        assertThat(output.assignments).extracting(a -> a == null ? null : a.assignedHub())
                .containsExactly("hub-a", null, "hub-c");
        assertThat(runner.calls).extracting(c -> c.registrationId).containsExactly("gateway-1", "gateway-3");
    }

    @Test
    void failedCarriesTheAttemptThatEndedTheRunAndWhatDpsSaid() throws Exception {
        runner.then(config -> {
            for (int attempt = 1; attempt <= 3; attempt++) {
                runner.listener.accept(new FlowAction.Retrying(attempt, NOW.plusSeconds(attempt),
                        failure(429001, FailureKind.THROTTLED, true, "Too many requests")));
            }
            return RunOutcome.failed(failure(401002, FailureKind.UNAUTHORIZED, false, "Invalid key"), 4);
        });
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        for (int attempt = 1; attempt <= 3; attempt++) {
            Recorded retrying = output.next();
            assertThat(retrying.topic).isEqualTo(TOPIC_RETRYING);
            assertThat(retrying.properties).containsEntry(ATTEMPT, attempt).containsEntry(ERROR_CODE, 429001)
                    .containsEntry(ERROR_MESSAGE, "THROTTLED: Too many requests - what to check");
        }
        Recorded failed = output.next();

        assertThat(failed.topic).isEqualTo(TOPIC_FAILED);
        assertThat(failed.properties).containsOnly(entry(ATTEMPT, 4), entry(ERROR_CODE, 401002),
                entry(ERROR_MESSAGE, "UNAUTHORIZED: Invalid key - what to check"), entry(RETRYABLE, false),
                entry(ID_SCOPE, "0ne00000001"), entry(REGISTRATION_ID, "gateway-1"),
                entry(TIMESTAMP, NOW.toEpochMilli()));
        assertThat(worker.status().attempt()).isEqualTo(4);
        assertThat(worker.status().errorMessage()).contains("UNAUTHORIZED: Invalid key - what to check");
    }

    @Test
    void aRetryableFailureSaysWhenTheFreshRunStarts() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(0, FailureKind.NETWORK, true, "unreachable"), 2));
        worker(Duration.ofSeconds(60)).apply(ProvisioningConfig.from(valid(), null));

        output.next();
        Recorded failed = output.next();

        // The first pause: equal jitter over 60 s, i.e. 30 s and half of the other 30 s at a draw of 0.5.
        assertThat(failed.properties).containsEntry(ATTEMPT, 2).containsEntry(RETRYABLE, true)
                .containsEntry(RETRY_AT, NOW.plusSeconds(45).toEpochMilli());
        assertThat(worker.status().state()).isEqualTo(State.RETRYING);
        assertThat(worker.status().retryAt()).contains(NOW.plusSeconds(45));
    }

    @Test
    void thePauseBetweenRunsDoublesWithEachFailedRunUpToItsMaximumAndStartsOverAfterAnAssignment()
            throws Exception {
        jitter = 0.0;
        for (int run = 0; run < 4; run++) {
            runner.then(config -> RunOutcome.failed(failure(0, FailureKind.DEADLINE_EXCEEDED, true, "no answer"), 3));
        }
        runner.then(c -> RunOutcome.assigned(withCertificate(fromDps("hub-a", c.registrationId), "FIRST",
                Duration.ofDays(30))));
        runner.then(config -> RunOutcome.failed(failure(0, FailureKind.NETWORK, true, "unreachable"), 1));
        worker(Duration.ofSeconds(60)).apply(ProvisioningConfig.from(valid(concat(ISSUANCE,
                "retry.pause.max.seconds", 200)), null));

        // Caps of 60, 120, 200 (the maximum) and 200 s; at a draw of 0 a pause is half its cap.
        for (long pause : new long[] { 30, 60, 100, 100 }) {
            assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
            Recorded failed = output.next();
            assertThat(failed.properties).containsEntry(RETRY_AT, clock.instant().plusSeconds(pause).toEpochMilli());
            scheduler.advance(Duration.ofSeconds(pause));
        }
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
        // The certificate's renewal, a run of its own (nothing restarted the worker), fails: the first pause again.
        Await.until("the renewal scheduled", () -> scheduler.pending() == 1);
        scheduler.advance(Duration.ofDays(23));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(RETRY_AT,
                clock.instant().plusSeconds(30).toEpochMilli());
        // The renewal is due 23 days after NOW, when the script's certificate was issued: 290 s of pauses ago.
        assertThat(scheduler.delays).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(100), Duration.ofSeconds(100), Duration.ofDays(23).minusSeconds(290),
                Duration.ofSeconds(30));
    }

    @Test
    void anUnusableClientIdentityFailsTheRunByFieldWithNothingAttempted() throws Exception {
        runner.then(config -> {
            throw new InvalidConfigurationException("x509.pkcs12.password", "wrong password");
        });
        worker(Duration.ofMillis(1)).apply(ProvisioningConfig.from(valid(), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded failed = output.next();

        assertThat(failed.properties).containsEntry(ATTEMPT, 0).containsEntry(ERROR_CODE, 0)
                .containsEntry(ERROR_MESSAGE, "x509.pkcs12.password: wrong password")
                .containsEntry(RETRYABLE, false).doesNotContainKey(RETRY_AT);
        assertThat(worker.status().state()).isEqualTo(State.FAILED);
    }

    @Test
    void retryableFailureSchedulesAFreshRunThatCanSucceed() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(0, FailureKind.DEADLINE_EXCEEDED, true, "no assignment"), 2));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofSeconds(60)).apply(ProvisioningConfig.from(valid(), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_FAILED);
        scheduler.advance(Duration.ofMillis(44_999));
        assertThat(scheduler.pending()).as("the fresh run waits for its pause").isEqualTo(1);
        assertThat(runner.calls).hasSize(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void aFailureTheClockMayExplainRunsAgainAtOnceWhenKuraSetsTheClock() throws Exception {
        Failure clock = new Failure(0, FailureKind.TLS, true, "NotAfter", "the device clock may be wrong", null, true);
        runner.then(config -> RunOutcome.failed(clock, 1));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Recorded failed = output.next();
        assertThat(failed.properties).containsEntry(RETRYABLE, true).containsKey(RETRY_AT);

        assertThat(worker.clockSet()).isTrue();

        // The fresh run was an hour away: only the clock event can have started this one.
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(worker.clockSet()).as("assigned: nothing for the clock to do").isFalse();
        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void aFailureTheClockCannotExplainWaitsForItsPauseWhenKuraSetsTheClock() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(0, FailureKind.NETWORK, true, "unreachable"), 1));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_FAILED);

        assertThat(worker.clockSet()).isFalse();
        assertThat(worker.status().state()).isEqualTo(State.RETRYING);
        assertThat(runner.calls).hasSize(1);
    }

    @Test
    void aServiceThatIsNotThereYetIsAwaitedWithoutFailingAndItsArrivalLetsTheRunGoOn() throws Exception {
        runner.then(config -> {
            throw new MissingServiceException("certificate.keystore.service.pid",
                    "no KeystoreService with kura.service.pid=K is registered; waiting for it");
        });
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(ISSUANCE), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Await.until("the wait reported in the status", () -> worker.status().errorMessage().isPresent());
        assertThat(worker.status().state()).isEqualTo(State.RETRYING);
        assertThat(worker.status().errorMessage()).hasValueSatisfying(m -> assertThat(m)
                .startsWith("certificate.keystore.service.pid: no KeystoreService").endsWith("waiting for it"));
        assertThat(worker.status().retryAt()).isEmpty();

        // Start order alone never lasts this long: only then is the wait said with an event, which fails nothing.
        scheduler.advance(ProvisioningWorker.SERVICE_GRACE.minusMillis(1));
        assertThat(worker.clockSet()).as("a wait for a service is not the clock's").isFalse();
        scheduler.advance(Duration.ofMillis(1));
        Recorded stillMissing = output.next();
        assertThat(stillMissing.topic).isEqualTo(TOPIC_FAILED);
        assertThat(stillMissing.properties).containsEntry(RETRYABLE, true).doesNotContainKey(RETRY_AT)
                .containsEntry(ATTEMPT, 0);
        assertThat((String) stillMissing.properties.get(ERROR_MESSAGE)).contains("for 30 s now",
                "the run goes on when it registers");

        assertThat(worker.servicesChanged()).isTrue();

        assertThat(output.next().topic).as("the same run goes on: no second STARTED").isEqualTo(TOPIC_ASSIGNED);
        assertThat(worker.servicesChanged()).as("assigned: nothing awaited").isFalse();
        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void aServiceThatCameWhileTheRunLookedIsLookedForAgainAtOnce() throws Exception {
        runner.then(config -> {
            // The keystore the run created registers before the run says it waits for it.
            assertThat(worker.servicesChanged()).as("not waiting yet").isFalse();
            throw new MissingServiceException("certificate.keystore.service.pid", "created it, waiting for it");
        });
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(ISSUANCE), null));

        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(scheduler.pending()).as("no report of a wait").isZero();
    }

    @Test
    void aServiceThatArrivesWithinTheGraceLeavesNoEventButTheRun() throws Exception {
        runner.then(config -> {
            throw new MissingServiceException("x509.keystore.service.pid", "no KeystoreService; waiting for it");
        });
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        Await.until("waiting", () -> worker.status().errorMessage().isPresent());

        assertThat(worker.servicesChanged()).isTrue();

        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
        scheduler.advance(ProvisioningWorker.SERVICE_GRACE);
        assertThat(output.all).extracting(r -> r.topic).doesNotContain(TOPIC_FAILED);
    }

    @Test
    void aCacheThatMovesIsReadFromItsNewPlaceAndTheWorkStartsOverThere() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(0, FailureKind.NETWORK, true, "unreachable"), 1));
        worker(Duration.ofHours(1));
        ProvisioningConfig config = ProvisioningConfig.from(valid(), null);
        worker.apply(config);
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().topic).isEqualTo(TOPIC_FAILED);
        AssignmentStore kuraData = new AssignmentStore(dir.resolve("kura-data").resolve("assignment.json"));
        kuraData.save(ProvisioningWorker.cacheKey(config.identity().get()), fromDps("hub-k", "gateway-1"));

        worker.relocate(kuraData);

        Recorded cached = output.next();
        assertThat(cached.topic).isEqualTo(TOPIC_ASSIGNED);
        assertThat(cached.properties).containsEntry(SOURCE, "cache").containsEntry(ASSIGNED_HUB, "hub-k");
        awaitState(State.ASSIGNED);
        assertThat(scheduler.pending()).as("the fresh run of the old place is cancelled").isZero();
        assertThat(runner.calls).hasSize(1);
    }

    @Test
    void aKeyTypeAzureRefusesIsWarnedAboutOncePerConfiguration() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        Object[] rsa = concat(ISSUANCE, "certificate.key.type", "rsa-2048", "reprovision.policy", "every-start");
        try (LogCapture log = LogCapture.start()) {
            worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(rsa), null));
            output.next();
            output.next();
            // The same registration with other timings: no new configuration to warn about.
            worker.apply(ProvisioningConfig.from(valid(concat(rsa, "response.timeout.seconds", 20)), null));
            worker.reprovision();
            output.next();
            output.next();

            assertThat(log.lines("WARN")).filteredOn(line -> line.contains("certificate.key.type")).singleElement()
                    .satisfies(line -> assertThat(line).contains("rsa-2048", "Azure's certificate issuance refuses "
                            + "today", "ec-p384 only"));
        }
        try (LogCapture log = LogCapture.start()) {
            runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
            worker.apply(ProvisioningConfig.from(valid(concat(ISSUANCE, "reprovision.policy", "every-start")), null));
            output.next();
            output.next();
            assertThat(log.lines("WARN")).as("EC P-384").noneMatch(line -> line.contains("certificate.key.type"));
        }
    }

    @Test
    void permanentFailureSchedulesNothing() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(401002, FailureKind.UNAUTHORIZED, false, "unauthorized"), 1));
        worker(Duration.ofMillis(1)).apply(ProvisioningConfig.from(valid(), null));

        output.next();
        Recorded failed = output.next();

        assertThat(failed.properties).containsEntry(ERROR_CODE, 401002).containsEntry(RETRYABLE, false)
                .doesNotContainKey(RETRY_AT);
        assertThat(worker.status().state()).isEqualTo(State.FAILED);
        assertThat(worker.status().retryAt()).isEmpty();
    }

    @Test
    void retriesInsideARunBecomeRetryingEvents() throws Exception {
        runner.then(config -> {
            runner.listener.accept(new FlowAction.Retrying(1, NOW.plusSeconds(3),
                    failure(429, FailureKind.THROTTLED, true, "slow down")));
            return RunOutcome.assigned(fromDps("hub-a", config.registrationId));
        });
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));

        output.next();
        Recorded retrying = output.next();

        assertThat(retrying.topic).isEqualTo(TOPIC_RETRYING);
        assertThat(retrying.properties).containsEntry(ERROR_CODE, 429)
                .containsEntry(RETRY_AT, NOW.plusSeconds(3).toEpochMilli());
        assertThat(output.next().topic).isEqualTo(TOPIC_ASSIGNED);
    }

    @Test
    void reprovisionRunsAgainAndIsIgnoredWhileDisabled() throws Exception {
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        runner.then(config -> RunOutcome.assigned(fromDps("hub-a", config.registrationId)));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        output.next();
        output.next();

        worker.reprovision();
        assertThat(output.next().topic).isEqualTo(TOPIC_STARTED);
        assertThat(output.next().properties).containsEntry(HUB_CHANGED, false);

        worker.apply(ProvisioningConfig.from(TestConfigs.of(Map.of("enabled", false)), null));
        awaitState(State.DISABLED);
        worker.reprovision();
        assertThat(runner.calls).hasSize(2);
    }

    @Test
    void closeCancelsARunInFlightAndEndsTheThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        List<Thread> thread = new CopyOnWriteArrayList<>();
        runner.then(config -> {
            thread.add(Thread.currentThread());
            return blockUntilCancelled(entered, cancelled).apply(config);
        });
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        assertThat(worker.close(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
        System.out.printf("close() with a run in flight took %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertThat(cancelled.getCount()).isZero();
        // awaitTermination returns as the worker leaves its loop; the thread object dies a moment later.
        thread.get(0).join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(thread.get(0).isAlive()).isFalse();
        worker = null;
    }

    @Test
    void eventsNeverCarryTheKey() throws Exception {
        runner.then(config -> RunOutcome.failed(failure(401002, FailureKind.UNAUTHORIZED, false, "check the key"), 1));
        worker(Duration.ofHours(1)).apply(ProvisioningConfig.from(valid(), null));

        output.next();
        output.next();

        assertThat(output.all).allSatisfy(r -> assertThat(r.properties.toString()).doesNotContain(DEVICE_KEY));
        assertThat(worker.status().toString()).doesNotContain(DEVICE_KEY);
    }

    /** A registration that blocks until it is interrupted, counting down {@code entered} and then {@code cancelled}. */
    private static Step blockUntilCancelled(CountDownLatch entered,
            CountDownLatch cancelled) {
        return config -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                cancelled.countDown();
                throw new CancelledRun();
            }
            throw new AssertionError("a blocked registration ended without being cancelled");
        };
    }

    private void awaitState(State state) {
        Await.until("state " + state, () -> worker.status().state() == state);
    }

    private static final class CancelledRun extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static final class Recorded {
        final String topic;
        final Map<String, Object> properties;

        Recorded(String topic, Map<String, Object> properties) {
            this.topic = topic;
            this.properties = properties;
        }
    }

    private static final class Recorder implements ProvisioningWorker.Output {
        final BlockingQueue<Recorded> events = new LinkedBlockingQueue<>();
        final List<Recorded> all = new CopyOnWriteArrayList<>();
        final List<Assignment> assignments = new CopyOnWriteArrayList<>();

        @Override
        public void post(String topic, Map<String, Object> properties) {
            Recorded recorded = new Recorded(topic, properties);
            all.add(recorded);
            events.add(recorded);
        }

        /** When set, the next withdrawal (assignment changed to none) blocks until released, ignoring interrupts. */
        volatile CountDownLatch withdrawalEntered;
        volatile CountDownLatch withdrawalRelease;

        @Override
        public void assignmentChanged(Assignment current) {
            assignments.add(current);
            CountDownLatch release = withdrawalRelease;
            if (current == null && release != null) {
                withdrawalRelease = null;
                withdrawalEntered.countDown();
                awaitIgnoringInterrupts(release);
            }
        }

        /** Like an EventAdmin that swallows the interrupt, so the work it delays runs on as if nothing happened. */
        private static void awaitIgnoringInterrupts(CountDownLatch latch) {
            while (true) {
                try {
                    assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("released").isTrue();
                    return;
                } catch (InterruptedException e) {
                    // the cancellation under test; keep waiting for the release
                }
            }
        }

        Recorded next() throws InterruptedException {
            Recorded recorded = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(recorded).as("an event within %d s", WAIT_SECONDS).isNotNull();
            return recorded;
        }
    }

    static Failure failure(int code, FailureKind kind, boolean retryable, String message) {
        return new Failure(code, kind, retryable, message, "what to check", null);
    }

    /** One scripted registration run. */
    private interface Step {
        RunOutcome apply(RegistrationIdentity identity) throws InvalidConfigurationException;
    }

    /** Answers each registration with the next scripted function; a run cancelled by interrupt throws. */
    private static final class ScriptedRegistrar implements Registrar {
        final List<RegistrationIdentity> calls = new CopyOnWriteArrayList<>();
        private final List<Step> script = new ArrayList<>();
        volatile Consumer<FlowAction.Retrying> listener;

        void then(Step step) {
            script.add(step);
        }

        @Override
        public RunOutcome register(ProvisioningConfig.Registration registration,
                Consumer<FlowAction.Retrying> retries) throws InterruptedException, InvalidConfigurationException {
            calls.add(registration.identity);
            listener = retries;
            try {
                return script.get(calls.size() - 1).apply(registration.identity);
            } catch (CancelledRun e) {
                throw new InterruptedException("cancelled");
            }
        }
    }
}
