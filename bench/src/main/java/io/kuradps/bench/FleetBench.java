package io.kuradps.bench;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DpsProtocolException;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 4: a fleet reboot. N gateways in this JVM start at random moments within a window against a
 * simulator throttled to R register requests per second, once per retry policy, each against a fresh simulator.
 */
final class FleetBench {

    /** How one policy fared. */
    record PolicyResult(String label, int gateways, int assigned, int failed, double lastAssignedSeconds,
            boolean allAssigned, long connects, long registers, long polls, long throttled, long retries,
            Map<String, Long> retryCauses, Map<String, Integer> failureReasons, List<Double> assignmentSeconds) {

        long requests() {
            return connects + registers + polls;
        }
    }

    /** Makes and starts one gateway of a run. */
    private interface GatewayStarter {
        void start(int index, RegistrationSettings settings, FleetRun run, EventLoop loop, SslContext tls, int port,
                Duration after);
    }

    /** The seed of the gateways' start moments; the simulated-time fleet uses it too. */
    static final long SEED = 20261126L;
    private static final int CLIENT_THREADS = 2;
    private static final int PROGRESS_SECONDS = 5;

    private final int gateways;
    private final double rate;
    private final Duration startWindow;
    private final long timeoutSeconds;
    private final Path work;

    FleetBench(int gateways, double rate, Duration startWindow, long timeoutSeconds, Path work) {
        this.gateways = gateways;
        this.rate = rate;
        this.startWindow = startWindow;
        this.timeoutSeconds = timeoutSeconds;
        this.work = work;
    }

    int gateways() {
        return gateways;
    }

    double rate() {
        return rate;
    }

    Duration startWindow() {
        return startWindow;
    }

    /**
     * A smaller unrecorded run first, so that whichever policy is measured first does not pay for the JIT and
     * for first-time TLS set-up in this JVM.
     */
    void warmUp() throws Exception {
        new FleetBench(Math.max(1, gateways / 5), rate, startWindow, timeoutSeconds, work).ours(" (warm-up)");
    }

    /** Ours: the bundle's RegistrationFlow with its default settings, as the component configures it. */
    PolicyResult ours(String suffix) throws Exception {
        SecureRandom random = new SecureRandom();
        return run("ours (RegistrationFlow)" + suffix, (index, settings, run, loop, tls, port, after) -> new FlowGateway(index,
                new RegistrationFlow(settings, Clock.systemUTC(), random), run, loop, tls, port, Clock.systemUTC())
                .startAfter(after));
    }

    PolicyResult other(FleetPolicy policy, String suffix) throws Exception {
        return run(policy.label() + suffix, (index, settings, run, loop, tls, port, after) -> new PolicyGateway(index, settings,
                policy, run, loop, tls, port).startAfter(after));
    }

    private PolicyResult run(String label, GatewayStarter starter) throws Exception {
        System.out.printf("fleet: %s, %d gateways, throttle %.0f/s%n", label, gateways, rate);
        List<RegistrationSettings> settings = settings();
        Random offsets = new Random(SEED);
        DpsSimulator simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1)
                .idScope(BenchDps.ID_SCOPE).caDirectory(work.resolve("fleet-ca")).retryAfterSeconds(1)
                .pollsBeforeAssignment(1).throttle(rate)
                .enrollments(Enrollments.of(Enrollment.group("fleet", Attestation.symmetricKey(BenchDps.GROUP_KEY))
                        .withIotHubs("fleet-hub.azure-devices.net")))
                .start();
        NioEventLoopGroup loops = new NioEventLoopGroup(CLIENT_THREADS, new DefaultThreadFactory("bench-fleet"));
        try {
            SslContext tls = new JdkSslContext(simulator.clientSslContext(), true, null,
                    IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE, null, false);
            FleetRun run = new FleetRun(gateways, System.nanoTime());
            for (int i = 0; i < gateways; i++) {
                Duration after = Duration.ofNanos((long) (offsets.nextDouble() * startWindow.toNanos()));
                starter.start(i, settings.get(i), run, (EventLoop) loops.next(), tls, simulator.mqttPort(), after);
            }
            Counters counters = simulator.counters();
            boolean finished = false;
            long waited = 0;
            while (!finished && waited < timeoutSeconds) {
                finished = run.await(PROGRESS_SECONDS);
                waited += PROGRESS_SECONDS;
                System.out.printf("  %3d s: %d assigned, %d gave up; %d connects, %d registers, %d polls, %d x 429; retries %s%n",
                        waited, run.assignedCount(), run.failedCount(), counters.connects(), counters.registers(),
                        counters.polls(), counters.answers(429), run.retryCauses());
            }
            List<Double> seconds = run.assignmentSeconds();
            PolicyResult result = new PolicyResult(label, gateways, seconds.size(), run.failedCount(),
                    seconds.isEmpty() ? Double.NaN : seconds.get(seconds.size() - 1), seconds.size() == gateways,
                    counters.connects(), counters.registers(), counters.polls(), counters.answers(429), run.retries(),
                    run.retryCauses(), run.failureReasons(), seconds);
            System.out.printf("fleet: %s: %d assigned, %d failed%s, last at %.1f s, %d registers, %d polls, %d x 429%n",
                    label, result.assigned(), result.failed(), finished ? "" : " (timed out)",
                    result.lastAssignedSeconds(), result.registers(), result.polls(), result.throttled());
            return result;
        } finally {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            simulator.close();
        }
    }

    private List<RegistrationSettings> settings() throws DpsProtocolException {
        List<RegistrationSettings> all = new ArrayList<>();
        for (int i = 0; i < gateways; i++) {
            String id = String.format("fleet-gw-%05d", i);
            all.add(RegistrationSettings.builder().idScope(BenchDps.ID_SCOPE).registrationId(id)
                    .credentials(Credentials.symmetricKey(BenchDps.deviceKey(id))).build());
        }
        return all;
    }
}
