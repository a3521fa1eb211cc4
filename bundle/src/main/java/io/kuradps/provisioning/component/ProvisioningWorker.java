package io.kuradps.provisioning.component;

import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_STARTED;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.api.ProvisioningStatus.State;
import io.kuradps.provisioning.component.ProvisioningConfig.Registration;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RetryDelays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work behind the {@link DpsProvisioner} component, run on its one worker thread: for the current configuration
 * it publishes a valid cached assignment, registers with DPS as the policy says, persists and publishes the result,
 * schedules a fresh run after a transient failure and the renewal of an issued certificate, and holds the assignment
 * and the status in force. Every method returns at once; a newer configuration or request cancels the work in
 * flight (a generation counter makes late results of cancelled work harmless).
 */
final class ProvisioningWorker {

    /** Where the worker reports to: EventAdmin and the service registration, in the component. */
    interface Output {
        void post(String topic, Map<String, Object> properties);

        /** The assignment in force changed; null when there is none. */
        void assignmentChanged(Assignment current);
    }

    /**
     * Where and when the worker's tasks run: on one thread, now or after a delay ({@link WorkerThread}); in tests, a
     * delay waits for a fake clock.
     */
    interface Scheduler {
        /** Runs the task on the worker thread as soon as it is free; cancelling with interruption interrupts it. */
        Future<?> submit(Runnable task);

        /** Runs the task on the worker thread once {@code delay} has passed. */
        Future<?> schedule(Runnable task, Duration delay);

        /**
         * Drops what is pending, interrupts what runs and waits for the thread to end.
         *
         * @return true when it ended within the timeout
         */
        boolean shutdown(Duration timeout) throws InterruptedException;
    }

    /**
     * How long a run waits for a service it needs (a KeystoreService, say) before it says so with a retryable FAILED;
     * it goes on waiting, and the service's arrival starts the run again at once. At a Kura boot the services register
     * within a fraction of a second of each other, so start order alone never reaches this.
     */
    static final Duration SERVICE_GRACE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningWorker.class);

    private AssignmentStore store;
    private final Registrar registrar;
    private final Output output;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final Duration firstPause;
    private final Scheduler worker;

    private final Object lock = new Object();
    private ProvisioningConfig config;
    private long generation;
    private Future<?> work;
    /** Runs that failed transiently since the last assignment or restart; the pause doubles with them. */
    private int failedRuns;
    private boolean closed;
    /** The last run failed in a way a wrong device clock may explain; its fresh run is scheduled. */
    private boolean awaitingTheClock;
    /** The last run stopped for a service that is not there yet; its arrival starts the run again. */
    private boolean awaitingAService;
    /** Counts the services that appeared, so a run that looked before one came does not wait for it. */
    private long servicesAppeared;

    // Written on the worker thread only.
    private volatile Assignment current;
    private volatile AssignmentStore.Key currentKey;
    private volatile ProvisioningStatus status;

    /**
     * @param jitter uniform in [0, 1) at each call: the random part of the pause between runs
     * @param firstPause pause before the first fresh run after a transient failure; it doubles per failed run up
     *                   to the configured maximum
     * @param worker the thread the work runs on; {@link #close} shuts it down
     */
    ProvisioningWorker(AssignmentStore store, Registrar registrar, Output output, Clock clock, DoubleSupplier jitter,
            Duration firstPause, Scheduler worker) {
        this.store = store;
        this.registrar = registrar;
        this.output = output;
        this.clock = clock;
        this.jitter = jitter;
        this.firstPause = firstPause;
        this.worker = worker;
        this.status = ProvisioningStatus.of(State.IDLE, null, clock.instant());
    }

    /** Takes a new valid configuration; starts over only when it registers differently from the last one. */
    void apply(ProvisioningConfig newConfig) {
        synchronized (lock) {
            ProvisioningConfig old = config;
            config = newConfig;
            if (old != null && newConfig.identity().equals(old.identity())) {
                LOG.info("Configuration updated without a change that affects registration; nothing restarted");
                return;
            }
            // A registration setting changed while running is the operator asking for a registration with it: the
            // cache, made with the old settings, is not trusted for that (it still stands in while DPS is asked).
            boolean edited = old != null && old.registration().isPresent();
            long gen = restart();
            work = worker.submit(() -> start(newConfig, edited, gen));
        }
    }

    /** Takes a configuration that failed validation: reports it, attempts nothing, keeps the assignment held. */
    void reject(InvalidConfigurationException problem) {
        synchronized (lock) {
            config = null;
            long gen = restart();
            work = worker.submit(() -> reportInvalid(problem, gen));
        }
    }

    /** Registers afresh with DPS, cancelling what is in flight. */
    void reprovision() {
        synchronized (lock) {
            if (closed || config == null || !config.registration().isPresent()) {
                LOG.info("Re-provisioning request ignored: the provisioner is {}",
                        closed ? "stopped" : config == null ? "not validly configured" : "disabled");
                return;
            }
            LOG.info("Re-provisioning requested");
            long gen = restart();
            work = worker.submit(() -> register(gen));
        }
    }

    /** The registration of the configuration in force; absent when disabled or not validly configured. */
    Optional<Registration> registration() {
        synchronized (lock) {
            return config == null ? Optional.empty() : config.registration();
        }
    }

    /**
     * Kura's clock service has set the clock: when the last run failed in a way the clock may explain, its fresh
     * run starts now instead of after its pause. Anything else (a run in flight, an assignment, a failure the
     * clock cannot explain) is left alone.
     *
     * @return true when a run was started
     */
    boolean clockSet() {
        synchronized (lock) {
            if (closed || !awaitingTheClock) {
                return false;
            }
            long gen = restart();
            work = worker.submit(() -> register(gen));
            return true;
        }
    }

    /**
     * A service the provisioner may need has appeared (a KeystoreService, Kura's ConfigurationService): when the last
     * run stopped for want of a service, it starts again now. Anything else is left alone.
     *
     * @return true when a run was started
     */
    boolean servicesChanged() {
        synchronized (lock) {
            servicesAppeared++;
            if (closed || !awaitingAService) {
                return false;
            }
            long gen = restart();
            work = worker.submit(() -> resume(gen));
            return true;
        }
    }

    /**
     * The cache now lives elsewhere (Kura's SystemService arrived after activation, with Kura's data directory): the
     * work starts over from there, as at a start, so a cache found there is used before DPS is asked.
     */
    void relocate(AssignmentStore newStore) {
        synchronized (lock) {
            store = newStore;
            if (closed || config == null) {
                return;
            }
            ProvisioningConfig startConfig = config;
            long gen = restart();
            work = worker.submit(() -> start(startConfig, false, gen));
        }
    }

    Optional<Assignment> currentAssignment() {
        return Optional.ofNullable(current);
    }

    ProvisioningStatus status() {
        return status;
    }

    /**
     * Cancels everything and waits for the worker thread to end.
     *
     * @return true when the thread ended within the timeout
     */
    boolean close(Duration timeout) throws InterruptedException {
        synchronized (lock) {
            closed = true;
            generation++;
        }
        return worker.shutdown(timeout);
    }

    /** Cancels the work in flight; returns the generation new work belongs to. Caller holds the lock. */
    private long restart() {
        if (work != null) {
            work.cancel(true);
        }
        failedRuns = 0;
        awaitingTheClock = false;
        awaitingAService = false;
        return ++generation;
    }

    private boolean stale(long gen) {
        synchronized (lock) {
            return gen != generation;
        }
    }

    /** The cached assignment belongs to the id scope, registration id and DPS host it was made with. */
    static AssignmentStore.Key cacheKey(RegistrationIdentity identity) {
        return new AssignmentStore.Key(identity.idScope, identity.registrationId, identity.endpointHost);
    }

    private void start(ProvisioningConfig startConfig, boolean edited, long gen) {
        // Like register(), a start superseded by a newer configuration must not publish or report anything.
        if (stale(gen)) {
            return;
        }
        Optional<Registration> registration = startConfig.registration();
        if (!registration.isPresent()) {
            LOG.info("Provisioning is disabled");
            setStatus(State.DISABLED);
            return;
        }
        LOG.info("Provisioning with {}", startConfig);
        CertificateRequest certificate = registration.get().identity.certificateRequest;
        if (certificate != null) {
            certificate.keyType.azureRefusal().ifPresent(LOG::warn);
        }
        AssignmentStore.Key key = cacheKey(registration.get().identity);
        if (current != null && !key.equals(currentKey)) {
            LOG.info("The assignment held belongs to another configuration; withdrawing it");
            current = null;
            currentKey = null;
            output.assignmentChanged(null);
        }
        Optional<Assignment> cached = store().load(key);
        if (stale(gen)) {
            return;
        }
        if (cached.isPresent() && current == null) {
            LOG.info("Publishing cached assignment: hub {} device {}", cached.get().assignedHub(),
                    cached.get().deviceId());
            publish(cached.get(), key, State.ASSIGNED);
        }
        ProvisioningConfig.ReprovisionPolicy policy = registration.get().policy;
        if (policy.trustsTheCache() && cached.isPresent() && !edited) {
            if (certificate != null && !certificate.isSatisfiedBy(cached.get())) {
                LOG.info("The cached assignment has no certificate in {}/{}; registering to get one",
                        certificate.keystorePid, certificate.alias);
            } else if (certificate != null && !certificate.renewalAt(cached.get()).isAfter(clock.instant())) {
                LOG.info("The issued certificate is due for renewal (expires {}); registering again",
                        cached.get().certificate().get().notAfter());
            } else {
                LOG.info("A valid cached assignment exists; not contacting DPS (policy {})", policy.value());
                setStatus(State.ASSIGNED);
                scheduleRenewal(cached.get(), certificate, gen);
                return;
            }
        }
        register(gen);
    }

    private void register(long gen) {
        register(gen, true);
    }

    /** The run that waited for a service goes on: a registration like any other, but no second STARTED. */
    private void resume(long gen) {
        register(gen, false);
    }

    private void register(long gen, boolean announce) {
        Registration run;
        long servicesBefore;
        synchronized (lock) {
            if (gen != generation || config == null || !config.registration().isPresent()) {
                return;
            }
            run = config.registration().get();
            servicesBefore = servicesAppeared;
        }
        RegistrationIdentity identity = run.identity;
        setStatus(State.PROVISIONING);
        if (announce) {
            output.post(TOPIC_STARTED, ProvisioningProperties.started(identity.idScope, identity.registrationId,
                    clock.instant()));
        }
        LOG.info("Registering {} with DPS at {}:{} over {}", identity.registrationId, identity.endpointHost,
                identity.endpointPort, identity.transport);
        RunOutcome outcome;
        try {
            outcome = registrar.register(run, retrying -> onRetrying(retrying, identity, gen));
        } catch (InterruptedException e) {
            LOG.info("Registration cancelled");
            return;
        } catch (MissingServiceException e) {
            awaitService(run, e, servicesBefore, gen);
            return;
        } catch (InvalidConfigurationException e) {
            if (!stale(gen)) {
                failed(run, 0, e.getMessage(), false, false, 0, gen);
            }
            return;
        } catch (RuntimeException e) {
            LOG.error("Registration failed unexpectedly", e);
            if (!stale(gen)) {
                failed(run, 0, "internal error: " + e.getClass().getName(), true, false, 1, gen);
            }
            return;
        }
        if (stale(gen)) {
            return;
        }
        Optional<Assignment> assignment = outcome.assignment();
        if (assignment.isPresent()) {
            assigned(assignment.get(), cacheKey(identity));
            scheduleRenewal(assignment.get(), identity.certificateRequest, gen);
        } else {
            Failure failure = outcome.failure().orElseThrow(IllegalStateException::new);
            failed(run, failure.code(), failure.summary(), failure.retryable(), failure.clockSuspected(),
                    outcome.attempt(), gen);
        }
    }

    /** One attempt inside the run failed transiently; the flow tries again at {@code retryAt}. */
    private void onRetrying(FlowAction.Retrying retrying, RegistrationIdentity identity, long gen) {
        if (stale(gen)) {
            return;
        }
        Failure cause = retrying.cause();
        String message = cause.summary();
        Instant now = clock.instant();
        LOG.info("Attempt {} failed ({}: {}); attempt {} starts at {}", retrying.attempt(), cause.code(), message,
                retrying.attempt() + 1, retrying.retryAt());
        status = ProvisioningStatus.failed(State.RETRYING, current, retrying.attempt(), cause.code(), message,
                retrying.retryAt(), now);
        output.post(TOPIC_RETRYING, ProvisioningProperties.retrying(identity.idScope, identity.registrationId,
                retrying.attempt(), retrying.retryAt(), cause.code(), message, now));
    }

    /**
     * The run stopped for a service that is not there yet: not a failure of the configuration. The status says what
     * is awaited; a FAILED (retryable) follows only if it is still missing after {@link #SERVICE_GRACE}, and its
     * arrival ({@link #servicesChanged}) starts the run again, as does one that came while the run looked.
     */
    private void awaitService(Registration run, MissingServiceException missing, long servicesBefore, long gen) {
        Instant now = clock.instant();
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            if (servicesAppeared != servicesBefore) {
                // What it looked for may have come while it looked (a keystore it created, say): look again.
                work = worker.submit(() -> resume(gen));
                return;
            }
            awaitingAService = true;
            work = worker.schedule(() -> stillMissing(run, missing, gen), SERVICE_GRACE);
        }
        LOG.info("Waiting: {}", missing.getMessage());
        status = ProvisioningStatus.failed(State.RETRYING, current, 0, 0, missing.getMessage(), null, now);
    }

    private void stillMissing(Registration run, MissingServiceException missing, long gen) {
        if (stale(gen)) {
            return;
        }
        String message = missing.getMessage() + " (for " + SERVICE_GRACE.getSeconds() + " s now; the run goes on "
                + "when it registers)";
        LOG.warn("{}", message);
        Instant now = clock.instant();
        status = ProvisioningStatus.failed(State.RETRYING, current, 0, 0, message, null, now);
        output.post(TOPIC_FAILED, ProvisioningProperties.failed(run.identity.idScope, run.identity.registrationId,
                0, 0, message, true, null, now));
    }

    private AssignmentStore store() {
        synchronized (lock) {
            return store;
        }
    }

    private void assigned(Assignment assignment, AssignmentStore.Key key) {
        LOG.info("Assigned to hub {} as device {}", assignment.assignedHub(), assignment.deviceId());
        AssignmentStore cache = store();
        try {
            cache.save(key, assignment);
        } catch (IOException e) {
            LOG.warn("Cannot persist the assignment to {} ({}); it holds until restart", cache.file(),
                    e.getMessage());
        }
        synchronized (lock) {
            failedRuns = 0;
        }
        publish(assignment, key, State.ASSIGNED);
    }

    /**
     * With an issued certificate, a fresh registration at its renewal point; the certificate in force stays until
     * that run has stored the new one.
     */
    private void scheduleRenewal(Assignment assignment, CertificateRequest certificate, long gen) {
        if (certificate == null || !assignment.certificate().isPresent()) {
            return;
        }
        Instant renewal = certificate.renewalAt(assignment);
        long delay = Math.max(0, Duration.between(clock.instant(), renewal).toMillis());
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            work = worker.schedule(() -> register(gen), Duration.ofMillis(delay));
        }
        LOG.info("The issued certificate expires {}; renewal at {}", assignment.certificate().get().notAfter(),
                renewal);
    }

    /**
     * The run ended without an assignment; a retryable failure schedules a fresh run.
     *
     * @param clockSuspected a wrong device clock may explain it: the fresh run starts early when the clock is set
     * @param attempt the number of the attempt that ended the run (0 when nothing was sent)
     */
    private void failed(Registration run, int errorCode, String message, boolean retryable, boolean clockSuspected,
            int attempt, long gen) {
        Instant now = clock.instant();
        Instant retryAt = null;
        if (retryable) {
            synchronized (lock) {
                if (gen != generation) {
                    return;
                }
                Duration pause = RetryDelays.doubling(firstPause, run.timing.retryPauseMax)
                        .equalJitter(++failedRuns, jitter.getAsDouble());
                retryAt = now.plus(pause);
                work = worker.schedule(() -> register(gen), pause);
                awaitingTheClock = clockSuspected;
            }
            LOG.warn("Registration failed at attempt {} ({}: {}); a fresh run starts at {}", attempt, errorCode,
                    message, retryAt);
        } else {
            LOG.error("Registration failed at attempt {} ({}: {}); not retrying until the configuration changes or "
                    + "a re-provisioning request", attempt, errorCode, message);
        }
        status = ProvisioningStatus.failed(retryable ? State.RETRYING : State.FAILED, current, attempt, errorCode,
                message, retryAt, now);
        output.post(TOPIC_FAILED, ProvisioningProperties.failed(run.identity.idScope, run.identity.registrationId,
                attempt, errorCode, message, retryable, retryAt, now));
    }

    private void reportInvalid(InvalidConfigurationException problem, long gen) {
        if (stale(gen)) {
            return;
        }
        LOG.error("Invalid configuration: {}; nothing attempted", problem.getMessage());
        Instant now = clock.instant();
        status = ProvisioningStatus.failed(State.FAILED, current, 0, 0, problem.getMessage(), null, now);
        output.post(TOPIC_FAILED, ProvisioningProperties.failed(null, null, 0, 0, "invalid configuration: "
                + problem.getMessage(), false, null, now));
    }

    /** Makes {@code assignment} the one in force; the status is set before anyone hears of it. */
    private void publish(Assignment assignment, AssignmentStore.Key key, State state) {
        Assignment previous = current;
        current = assignment;
        currentKey = key;
        setStatus(state);
        output.assignmentChanged(assignment);
        output.post(TOPIC_ASSIGNED, ProvisioningProperties.assigned(assignment, previous));
    }

    private void setStatus(State state) {
        status = ProvisioningStatus.of(state, current, clock.instant());
    }
}
