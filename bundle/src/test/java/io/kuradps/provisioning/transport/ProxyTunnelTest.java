package io.kuradps.provisioning.transport;

import static io.kuradps.provisioning.transport.MqttFlowRunnerTest.HUB;
import static io.kuradps.provisioning.transport.MqttFlowRunnerTest.ID_SCOPE;
import static io.kuradps.provisioning.transport.MqttFlowRunnerTest.KEY;
import static io.kuradps.provisioning.transport.MqttFlowRunnerTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.Failure;
import io.kuradps.provisioning.protocol.FailureKind;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import io.kuradps.simulator.Fault;
import io.kuradps.simulator.Faults;
import io.kuradps.testsupport.proxy.LoopbackConnectProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registrations against the DPS simulator through a real HTTP CONNECT proxy (Jetty's ConnectHandler on
 * loopback), over MQTT/TLS and MQTT over WebSocket, and every way the proxy can say no.
 */
class ProxyTunnelTest {

    private static final String USER = "gateway-proxy-user";
    private static final String PASSWORD = "pr0xy-S3cret-value";

    @TempDir
    static Path caDirectory;
    static DpsSimulator simulator;
    static List<X509Certificate> simulatorCa;

    private final List<FlowAction.Retrying> retries = new CopyOnWriteArrayList<>();
    private LoopbackConnectProxy proxy;

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0).idScope(ID_SCOPE)
                .caDirectory(caDirectory)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.individual("gateway-slow", Attestation.symmetricKey(KEY)).withIotHubs(HUB)))
                .start();
        simulatorCa = TrustAnchors.readCertificates(simulator.caCertificateFile());
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = LoopbackConnectProxy.start();
    }

    @AfterEach
    void stopProxy() throws Exception {
        simulator.faults().clear();
        proxy.close();
        assertThat(MqttFlowRunnerTest.pahoThreads()).isEmpty();
    }

    private FlowResult register(boolean webSocket, HttpProxy through, Duration deadline) throws Exception {
        return runner(webSocket, through, simulatorCa).run(new RegistrationFlow(
                settings("gateway-1", Credentials.symmetricKey(KEY), deadline), Clock.systemUTC(), new Random()),
                retries::add);
    }

    private static MqttFlowRunner runner(boolean webSocket, HttpProxy through, List<X509Certificate> trusted)
            throws Exception {
        int port = webSocket ? simulator.webSocketPort() : simulator.mqttPort();
        DpsEndpoint endpoint = new DpsEndpoint("localhost", port, webSocket,
                TlsSocketFactories.create(trusted, null), through);
        return new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(3));
    }

    private HttpProxy loopbackProxy() {
        return HttpProxy.at("127.0.0.1", proxy.port());
    }

    /** The proxy failures the flow retried, in order. */
    private List<Failure> proxyFailures() {
        List<Failure> failures = retries.stream().map(FlowAction.Retrying::cause)
                .filter(f -> f.kind() == FailureKind.PROXY).toList();
        failures.stream().map(f -> "retrying after: " + f.message()).distinct().forEach(System.out::println);
        return failures;
    }

    @Test
    void bothTransportsRegisterThroughTheTunnel() throws Exception {
        for (boolean webSocket : new boolean[] { false, true }) {
            FlowResult result = register(webSocket, loopbackProxy(), Duration.ofSeconds(60));

            assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
            assertThat(result.roundTrips()).isEqualTo(4);
        }
        assertThat(proxy.connectTargets()).containsExactly("localhost:" + simulator.mqttPort(),
                "localhost:" + simulator.webSocketPort());
        assertThat(proxy.tunnelsOpened()).isEqualTo(2);
        assertThat(retries).isEmpty();
    }

    @Test
    void tlsIsCheckedAgainstTheDpsHostNotTheProxy() throws Exception {
        TestCertificates otherName = new TestCertificates("dps.example.com");
        try (DpsSimulator misnamed = MqttFlowRunnerTest.misnamedSimulator(otherName,
                caDirectory.resolve("misnamed"))) {
            DpsEndpoint endpoint = new DpsEndpoint("localhost", misnamed.mqttPort(), false,
                    TlsSocketFactories.create(List.of(otherName.ca), null), loopbackProxy());
            FlowResult result = new MqttFlowRunner(endpoint, Clock.systemUTC(), Duration.ofSeconds(3))
                    .run(new RegistrationFlow(settings("gateway-1", Credentials.symmetricKey(KEY),
                            Duration.ofSeconds(60)), Clock.systemUTC(), new Random()), retries::add);

            // The tunnel opened; the certificate DPS presented names another host, so TLS fails end to end.
            assertThat(proxy.tunnelsOpened()).isEqualTo(1);
            assertThat(result.failure()).hasValueSatisfying(f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.TLS);
                assertThat(f.message()).containsIgnoringCase("localhost");
            });
            assertThat(misnamed.counters().connects()).isZero();
        }
        // And the trusted roots are DPS's: the simulator's CA is not among the bundled ones.
        FlowResult untrusted = runner(false, loopbackProxy(), TrustAnchors.bundledRoots())
                .run(new RegistrationFlow(settings("gateway-1", Credentials.symmetricKey(KEY),
                        Duration.ofSeconds(60)), Clock.systemUTC(), new Random()), retries::add);
        assertThat(untrusted.failure()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(FailureKind.TLS));
    }

    @Test
    void basicCredentialsAccepted() throws Exception {
        proxy.requireBasic(USER, PASSWORD);

        FlowResult result = register(true, loopbackProxy().withCredentials(USER, PASSWORD), Duration.ofSeconds(60));

        assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
        assertThat(proxy.tunnelsOpened()).isEqualTo(1);
    }

    @Test
    void refusedCredentialsNameTheProxyAccountAndNeverShowThePassword() throws Exception {
        proxy.requireBasic(USER, "the-right-one");

        FlowResult result = register(false, loopbackProxy().withCredentials(USER, PASSWORD), Duration.ofSeconds(2));

        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.message()).contains("refused the credentials", "407", "user '" + USER + "'",
                    "CONNECT localhost:" + simulator.mqttPort(), "asks for Basic");
            assertThat(failure.explanation()).contains("proxy.username", "proxy.password");
        });
        assertThat(result.failure()).hasValueSatisfying(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
            assertThat(f.explanation()).contains("PROXY");
        });
        assertThat(proxy.tunnelsOpened()).isZero();
        String everything = result + " " + retries + " " + loopbackProxy().withCredentials(USER, PASSWORD);
        String basicToken = Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(everything).doesNotContain(PASSWORD).doesNotContain(basicToken);
    }

    @Test
    void aProxyThatRefusesTheCredentialsWith401IsNamedAsFor407() throws Exception {
        // As tinyproxy 1.11 answers a wrong Basic password on CONNECT: 401 with WWW-Authenticate, then it closes.
        try (ServerSocket tinyproxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ExecutorService answering = Executors.newSingleThreadExecutor();
            try {
                answering.submit(() -> answerEveryConnect(tinyproxy, "HTTP/1.0 401 Unauthorized\r\n"
                        + "Server: tinyproxy/1.11.1\r\nWWW-Authenticate: Basic realm=\"Tinyproxy\"\r\n\r\n"));

                register(false, HttpProxy.at("127.0.0.1", tinyproxy.getLocalPort()).withCredentials(USER, PASSWORD),
                        Duration.ofSeconds(1));
            } finally {
                answering.shutdownNow();
            }
        }
        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.message()).contains("refused the credentials", "401 Unauthorized",
                    "user '" + USER + "'", "asks for Basic").doesNotContain(PASSWORD);
            assertThat(failure.explanation()).contains("proxy.username", "proxy.password");
        });
    }

    /** Reads each CONNECT's head and answers it with {@code answer}, until the socket is closed. */
    private static Void answerEveryConnect(ServerSocket server, String answer) throws IOException {
        while (true) {
            try (Socket client = server.accept()) {
                InputStream in = client.getInputStream();
                // The head ends with an empty line: CR LF CR LF.
                for (int tail = 0, b; tail != 0x0d0a0d0a && (b = in.read()) >= 0;) {
                    tail = tail << 8 | b;
                }
                client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            } catch (SocketException closed) {
                return null;
            }
        }
    }

    @Test
    void missingCredentialsSayTheProxyWantsThem() throws Exception {
        proxy.requireBasic(USER, PASSWORD);

        register(true, loopbackProxy(), Duration.ofSeconds(1));

        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.message()).contains("requires credentials", "407", "asks for Basic");
            assertThat(failure.explanation()).contains("proxy.username", "proxy.password");
        });
    }

    @Test
    void mqttPortForbiddenWhileWebSocketGetsThrough() throws Exception {
        proxy.forbidPort(simulator.mqttPort());

        FlowResult mqtt = register(false, loopbackProxy(), Duration.ofSeconds(1));
        List<Failure> refusals = proxyFailures();
        FlowResult webSocket = register(true, loopbackProxy(), Duration.ofSeconds(60));

        assertThat(mqtt.registration()).isEmpty();
        assertThat(refusals).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.message()).contains("refused CONNECT localhost:" + simulator.mqttPort(), "403");
            assertThat(failure.explanation()).contains("transport=mqtt-websocket", "8883");
        });
        assertThat(webSocket.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
        assertThat(proxy.tunnelsOpened()).isEqualTo(1);
    }

    @Test
    void unreachableProxyNamesItsHostAndPort() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        register(false, HttpProxy.at("127.0.0.1", closedPort), Duration.ofSeconds(1));

        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.message()).contains("cannot connect to the HTTP proxy 127.0.0.1:" + closedPort);
            assertThat(failure.explanation()).contains("proxy.host", "proxy.port");
        });
    }

    @Test
    void unresolvableProxyHostSaysSo() throws Exception {
        // glibc refuses a name with an empty label without asking a DNS server (checked with strace), so this
        // stays on the machine.
        register(false, HttpProxy.at("proxy..invalid", 3128), Duration.ofSeconds(1));

        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.message()).contains("proxy..invalid:3128", "does not resolve");
            assertThat(failure.explanation()).contains("proxy.host", "proxy.port");
        });
    }

    @Test
    void somethingThatIsNotAProxyIsNamedAsSuch() throws Exception {
        // The simulator's MQTT port answers CONNECT with a TLS alert, not with HTTP.
        register(false, HttpProxy.at("127.0.0.1", simulator.mqttPort()), Duration.ofSeconds(1));

        assertThat(proxyFailures()).isNotEmpty().allSatisfy(failure ->
                assertThat(failure.message()).containsAnyOf("like an HTTP proxy", "closed the connection"));
    }

    @Test
    void proxyDyingMidRegistrationIsRetriedUntilItIsBack() throws Exception {
        // DPS does not answer the first register, so the registration is in flight when the proxy dies.
        simulator.faults().on(Faults.Trigger.REGISTER).forRegistration("gateway-slow").times(1)
                .inject(Fault.silence());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<FlowResult> running = caller.submit(() -> runner(false, loopbackProxy(), simulatorCa)
                    .run(new RegistrationFlow(settings("gateway-slow", Credentials.symmetricKey(KEY),
                            Duration.ofSeconds(60)), Clock.systemUTC(), new Random()), retries::add));
            await(() -> simulator.counters().count("gateway-slow", Counters.EventKind.REGISTER) >= 1,
                    () -> "a register through the proxy");

            proxy.stop();
            await(() -> proxyFailures().size() >= 2, () -> "two failed reconnects; retries: " + retries);
            proxy.restart();
            FlowResult result = running.get(60, TimeUnit.SECONDS);

            assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
            assertThat(result.connections()).isGreaterThanOrEqualTo(3);
            assertThat(retries.get(0).cause().kind()).isEqualTo(FailureKind.CONNECTION_LOST);
            assertThat(proxyFailures()).allSatisfy(failure -> {
                assertThat(failure.retryable()).isTrue();
                assertThat(failure.message()).contains("cannot connect to the HTTP proxy 127.0.0.1:" + proxy.port());
            });
        } finally {
            caller.shutdownNow();
            assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cancellingWhileTheProxyHasNotAnsweredEndsAtOnce() throws Exception {
        // Accepts TCP (through the backlog) and never answers CONNECT: the tunnel's read blocks.
        try (ServerSocket silent = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                // A connect timeout longer than every wait below: only closing the socket can end the read.
                MqttFlowRunner runner = new MqttFlowRunner(new DpsEndpoint("localhost", simulator.mqttPort(), false,
                        TlsSocketFactories.create(simulatorCa, null), HttpProxy.at("127.0.0.1", silent.getLocalPort())),
                        Clock.systemUTC(), Duration.ofSeconds(30));
                Future<FlowResult> running = caller.submit(() -> runner.run(new RegistrationFlow(
                        settings("gateway-1", Credentials.symmetricKey(KEY), Duration.ofSeconds(60)),
                        Clock.systemUTC(), new Random()), retries::add));
                await(() -> !MqttFlowRunnerTest.pahoThreads().isEmpty(), () -> "a connect in progress");

                running.cancel(true);
                caller.shutdown();

                assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                assertThat(retries).isEmpty();
            } finally {
                caller.shutdownNow();
            }
        }
        for (Thread thread : MqttFlowRunnerTest.pahoThreads()) {
            thread.join(TimeUnit.SECONDS.toMillis(3));
        }
    }

    /** Waits until the condition holds; fails the test after 20 s. */
    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(() -> "timed out waiting for " + what.get()).isTrue();
            never.await(10, TimeUnit.MILLISECONDS);
        }
    }
}
