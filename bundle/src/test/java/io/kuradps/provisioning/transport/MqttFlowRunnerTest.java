package io.kuradps.provisioning.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.net.ssl.KeyManager;

import io.kuradps.provisioning.protocol.Credentials;
import io.kuradps.provisioning.protocol.DeviceRegistration;
import io.kuradps.provisioning.protocol.FailureKind;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;
import io.kuradps.provisioning.protocol.RegistrationSettings;
import io.kuradps.provisioning.testing.Await;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.Enrollments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real registrations against the DPS simulator, over MQTT/TLS and MQTT over secure WebSocket. */
class MqttFlowRunnerTest {

    static final String ID_SCOPE = "0ne00000A0A";
    static final String KEY = "NMgJDvdKTxjLi+xBxxkDDEwDJxEvOE5u8BiT0mVgPeg=";
    static final String GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
    static final String HUB = "hub-a.azure-devices.net";
    /**
     * How soon an interrupted run must have ended, its connection closed and its Paho threads gone: well below every
     * timer that could end it otherwise (the 10 s response timeout, the patient runner's 60 s connect timeout, the
     * 60 s deadline), so only the interruption meets it; cancelling takes milliseconds (printed).
     */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);
    /** The first byte of a TLS handshake record, such as the ClientHello. */
    private static final int TLS_HANDSHAKE = 0x16;

    @TempDir
    static Path caDirectory;
    static DpsSimulator simulator;
    static List<X509Certificate> simulatorCa;

    private final List<FlowAction.Retrying> retries = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0).idScope(ID_SCOPE)
                .caDirectory(caDirectory)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.individual("gateway-slow", Attestation.symmetricKey(KEY)).withIotHubs(HUB),
                        Enrollment.individual("gateway-x509", Attestation.x509BySimulatorCa()).withIotHubs(HUB),
                        Enrollment.group("fleet", Attestation.symmetricKey(GROUP_KEY)).withIotHubs(HUB)))
                .start();
        simulatorCa = TrustAnchors.readCertificates(simulator.caCertificateFile());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void noPahoThreadOutlivesARun() throws InterruptedException {
        // A pool thread may still be leaving run() after awaitTermination; give it a bounded moment.
        for (Thread thread : pahoThreads()) {
            thread.join(TimeUnit.SECONDS.toMillis(3));
        }
        assertThat(pahoThreads()).as(() -> pahoThreads().stream()
                .map(t -> t.getName() + java.util.Arrays.toString(t.getStackTrace()).replace(", ", "\n  "))
                .collect(Collectors.joining("\n"))).isEmpty();
    }

    static Set<Thread> pahoThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kura-dps-paho") || t.getName().startsWith("MQTT")
                        || t.getName().startsWith("WebSocketReceiver"))
                .collect(Collectors.toSet());
    }

    static RegistrationSettings settings(String registrationId, Credentials credentials, Duration deadline)
            throws Exception {
        return RegistrationSettings.builder().idScope(ID_SCOPE).registrationId(registrationId)
                .credentials(credentials).apiVersion("2021-06-01").userAgent("kura-dps-test")
                .responseTimeout(deadline.compareTo(Duration.ofSeconds(10)) < 0 ? deadline : Duration.ofSeconds(10))
                .overallDeadline(deadline)
                .backoffBase(Duration.ofMillis(100)).backoffMax(Duration.ofMillis(500)).build();
    }

    private static MqttFlowRunner runner(String host, int port, boolean webSocket, List<X509Certificate> trusted,
            KeyManager[] identity) throws Exception {
        return runner(host, port, webSocket, trusted, identity, Duration.ofSeconds(3));
    }

    private static MqttFlowRunner runner(String host, int port, boolean webSocket, List<X509Certificate> trusted,
            KeyManager[] identity, Duration connectTimeout) throws Exception {
        DpsEndpoint endpoint = new DpsEndpoint(host, port, webSocket, TlsSocketFactories.create(trusted, identity));
        return new MqttFlowRunner(endpoint, Clock.systemUTC(), connectTimeout);
    }

    private FlowResult run(RegistrationSettings settings, int port, boolean webSocket, KeyManager[] identity)
            throws Exception {
        long start = System.nanoTime();
        FlowResult result = runner("localhost", port, webSocket, simulatorCa, identity)
                .run(new RegistrationFlow(settings, Clock.systemUTC(), new Random()), retries::add);
        System.out.printf("%s %s: %s in %d ms%n", webSocket ? "wss" : "mqtts", settings.registrationId(), result,
                (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    @Test
    void individualSymmetricKeyOverTls() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        long pollsBefore = simulator.counters().count("gateway-1", Counters.EventKind.POLL);
        FlowResult result = run(settings("gateway-1", Credentials.symmetricKey(KEY), Duration.ofSeconds(60)),
                simulator.mqttPort(), false, null);

        DeviceRegistration registration = result.registration().orElseThrow();
        assertThat(registration.assignedHub()).contains(HUB);
        assertThat(registration.deviceId()).contains("gateway-1");
        assertThat(result.connections()).isEqualTo(1);
        // CONNECT, SUBSCRIBE, register, one poll (the simulator assigns on the first poll by default).
        assertThat(result.roundTrips()).isEqualTo(4);
        assertThat(simulator.counters().count("gateway-1", Counters.EventKind.POLL)).isEqualTo(pollsBefore + 1);
        assertThat(retries).isEmpty();
        noPahoThreadOutlivesARun();
        // Netty starts its event-loop threads lazily, on the simulator's first accepted connection.
        assertThat(Thread.getAllStackTraces().keySet())
                .allMatch(t -> before.contains(t) || !t.getName().startsWith("kura-dps"));
    }

    @Test
    void groupEnrollmentOverWebSocket() throws Exception {
        String registrationId = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";
        FlowResult result = run(settings(registrationId, Credentials.groupKey(GROUP_KEY), Duration.ofSeconds(60)),
                simulator.webSocketPort(), true, null);

        assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
        assertThat(result.roundTrips()).isEqualTo(4);
    }

    @Test
    void x509FromPkcs12AndFromPemFiles(@TempDir Path files) throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gateway-x509");
        Path p12 = Files.write(files.resolve("device.p12"), device.pkcs12());
        Path certificate = Files.writeString(files.resolve("device.pem"), device.certificatePem());
        PrivateKey privateKey = (PrivateKey) device.keyStore().getKey(DeviceIdentity.ALIAS, device.password());
        Path pkcs8Key = Files.writeString(files.resolve("device.key"),
                TestCertificates.pem("PRIVATE KEY", privateKey.getEncoded()));
        RegistrationSettings settings = settings("gateway-x509", Credentials.x509(), Duration.ofSeconds(60));

        FlowResult fromPkcs12 = run(settings, simulator.mqttPort(), false,
                ClientIdentities.fromPkcs12(p12, device.password()));
        FlowResult fromPem = run(settings, simulator.webSocketPort(), true,
                ClientIdentities.fromPem(certificate, pkcs8Key));

        assertThat(fromPkcs12.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
        assertThat(fromPem.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
    }

    @Test
    void x509WithATraditionalSec1KeyFile(@TempDir Path files) throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gateway-x509");
        Path certificate = Files.writeString(files.resolve("device.pem"), device.certificatePem());
        PrivateKey privateKey = (PrivateKey) device.keyStore().getKey(DeviceIdentity.ALIAS, device.password());
        String sec1Pem = TestCertificates.traditionalPem(privateKey);
        assertThat(sec1Pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
        Path sec1Key = Files.writeString(files.resolve("device.key"), sec1Pem);
        Path p12 = Files.write(files.resolve("device.p12"), device.pkcs12());

        FlowResult result = run(settings("gateway-x509", Credentials.x509(), Duration.ofSeconds(60)),
                simulator.mqttPort(), false, ClientIdentities.fromPem(certificate, sec1Key));

        assertThat(result.registration().flatMap(DeviceRegistration::assignedHub)).contains(HUB);
        assertThatThrownBy(() -> ClientIdentities.fromPkcs12(p12, "wrong".toCharArray()))
                .isInstanceOf(UnrecoverableKeyException.class).hasMessageContaining("wrong password")
                .hasMessageNotContaining(new String(device.password()));
    }

    @Test
    void wrongKeyFailsWithoutRetrying() throws Exception {
        String wrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        FlowResult result = run(settings("gateway-1", Credentials.symmetricKey(wrongKey), Duration.ofSeconds(60)),
                simulator.mqttPort(), false, null);

        assertThat(result.failure()).hasValueSatisfying(failure -> {
            assertThat(failure.kind()).isEqualTo(FailureKind.UNAUTHORIZED);
            assertThat(failure.retryable()).isFalse();
            assertThat(failure.toString()).doesNotContain(wrongKey);
        });
        assertThat(result.connections()).isEqualTo(1);
    }

    @Test
    void serverOutsideTheTrustAnchorsIsATlsFailure() throws Exception {
        FlowResult result = runner("localhost", simulator.mqttPort(), false, TrustAnchors.bundledRoots(), null)
                .run(new RegistrationFlow(settings("gateway-1", Credentials.symmetricKey(KEY),
                        Duration.ofSeconds(60)), Clock.systemUTC(), new Random()), retries::add);

        assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(FailureKind.TLS));
    }

    @Test
    void hostNameIsVerified() throws Exception {
        TestCertificates otherName = new TestCertificates("dps.example.com");
        try (DpsSimulator misnamed = misnamedSimulator(otherName, caDirectory.resolve("misnamed"))) {
            for (boolean webSocket : new boolean[] { false, true }) {
                // Trusted chain, wrong name: localhost is not dps.example.com.
                FlowResult result = runner("localhost", webSocket ? misnamed.webSocketPort() : misnamed.mqttPort(),
                        webSocket, List.of(otherName.ca), null)
                        .run(new RegistrationFlow(settings("gateway-1", Credentials.symmetricKey(KEY),
                                Duration.ofSeconds(60)), Clock.systemUTC(), new Random()), retries::add);

                assertThat(result.registration()).isEmpty();
                assertThat(result.failure()).hasValueSatisfying(f -> {
                    assertThat(f.kind()).isEqualTo(FailureKind.TLS);
                    assertThat(f.message()).containsIgnoringCase("localhost");
                });
            }
            assertThat(misnamed.counters().connects()).isZero();
        }
    }

    /** A simulator whose server certificate names another host than localhost. */
    static DpsSimulator misnamedSimulator(TestCertificates otherName, Path caDirectory) {
        return DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(0).idScope(ID_SCOPE)
                .caDirectory(caDirectory).serverCertificate(otherName.serverChainPem, otherName.serverKeyPem)
                .enrollments(Enrollments.of(
                        Enrollment.individual("gateway-1", Attestation.symmetricKey(KEY)).withIotHubs(HUB)))
                .start();
    }

    @Test
    void unreachableDpsRetriesThenMissesTheDeadline() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FlowResult result = run(settings("gateway-1", Credentials.symmetricKey(KEY), Duration.ofSeconds(2)),
                closedPort, false, null);

        assertThat(result.failure()).hasValueSatisfying(failure -> {
            assertThat(failure.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED);
            assertThat(failure.retryable()).isTrue();
        });
        assertThat(retries).isNotEmpty();
        assertThat(result.connections()).isGreaterThan(1);
    }

    @Test
    void interruptionCancelsPromptlyAndClosesTheConnection() throws Exception {
        // DPS holds back its CONNACK: the run waits on an open connection that only the interruption ends in time.
        simulator.faults().latency("gateway-slow", Duration.ofSeconds(30));
        try {
            long connectsBefore = simulator.counters().count("gateway-slow", Counters.EventKind.CONNECT);
            RunInThread run = new RunInThread(patientRunner(simulator.mqttPort(), false), "gateway-slow");
            Await.until("DPS received the CONNECT",
                    () -> simulator.counters().count("gateway-slow", Counters.EventKind.CONNECT) > connectsBefore);

            run.interruptAndAssertItEndsPromptly();

            Await.until("DPS saw the connection closed", () -> simulator.counters().openConnections() == 0, PROMPTLY);
        } finally {
            simulator.faults().clear();
        }
    }

    @Test
    void cancellingAConnectStuckInTheTlsHandshakeEndsAtOnce() throws Exception {
        // Accepts TCP and never answers the ClientHello: the handshake read blocks until the connect timeout, which
        // here is longer than the bound.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout((int) Await.DEFAULT_TIMEOUT.toMillis());
            RunInThread run = new RunInThread(patientRunner(silent.getLocalPort(), false), "gateway-1");
            try (Socket accepted = silent.accept()) {
                accepted.setSoTimeout((int) Await.DEFAULT_TIMEOUT.toMillis());
                assertThat(accepted.getInputStream().read()).as("a TLS handshake record").isEqualTo(TLS_HANDSHAKE);

                run.interruptAndAssertItEndsPromptly();

                assertClosedByThePeerWithin(accepted, PROMPTLY);
            }
        }
    }

    @Test
    void cancellingAtWhateverPointTheConnectHasReachedNeverLeavesAThread() throws Exception {
        // Cancelling as soon as Paho's first thread exists lands in the TCP connect or the TLS handshake; as soon as
        // its receiver thread exists, inside Paho's thread start-up, where Paho 1.2.5 can be left spinning. DPS holds
        // back its CONNACK, so no run can end by itself before it is interrupted.
        simulator.faults().latency("gateway-slow", Duration.ofSeconds(30));
        try {
            for (int run = 0; run < 12; run++) {
                String trigger = run % 3 == 0 ? "" : "MQTT Rec";
                boolean webSocket = run % 2 == 1;
                RunInThread running = new RunInThread(
                        patientRunner(webSocket ? simulator.webSocketPort() : simulator.mqttPort(), webSocket),
                        "gateway-slow");
                awaitPahoThread(trigger);

                running.interruptAndAssertItEndsPromptly();
            }
        } finally {
            simulator.faults().clear();
        }
    }

    /** Waits until a Paho thread whose name starts with {@code prefix} exists; fails when none appears. */
    private static void awaitPahoThread(String prefix) {
        Await.until("a Paho thread named " + prefix + "...",
                () -> pahoThreads().stream().anyMatch(t -> t.getName().startsWith(prefix)));
    }

    /** A runner whose connect timeout is far longer than {@link #PROMPTLY}: only an interruption ends it in time. */
    private static MqttFlowRunner patientRunner(int port, boolean webSocket) throws Exception {
        return runner("localhost", port, webSocket, simulatorCa, null, Duration.ofSeconds(60));
    }

    /** Reads what the peer sends until it closes the connection; fails when it is still open after {@code bound}. */
    private static void assertClosedByThePeerWithin(Socket socket, Duration bound) throws IOException {
        socket.setSoTimeout((int) bound.toMillis());
        byte[] buffer = new byte[4096];
        try {
            while (socket.getInputStream().read(buffer) != -1) {
                // the rest of the ClientHello
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection is still open " + bound.toMillis() + " ms after the interrupt");
        } catch (SocketException reset) {
            // Closed with a reset: closed all the same.
        }
    }

    /**
     * A registration run on a thread of its own, so that a test can interrupt it and see when and how it ended (a
     * cancelled {@code Future} reports cancellation whether or not the work behind it stopped).
     */
    private final class RunInThread {
        private final Thread thread;
        private final CompletableFuture<FlowResult> outcome = new CompletableFuture<>();

        RunInThread(MqttFlowRunner runner, String registrationId) {
            thread = new Thread(() -> {
                try {
                    outcome.complete(runner.run(new RegistrationFlow(settings(registrationId,
                            Credentials.symmetricKey(KEY), Duration.ofSeconds(60)), Clock.systemUTC(), new Random()),
                            retries::add));
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            }, "registration-run");
            thread.start();
        }

        /**
         * Interrupts the run; it must end within {@link #PROMPTLY} by throwing InterruptedException, and every Paho
         * thread must be gone within the same bound after it.
         */
        void interruptAndAssertItEndsPromptly() throws InterruptedException {
            long start = System.nanoTime();
            thread.interrupt();
            thread.join(PROMPTLY.toMillis());
            assertThat(thread.isAlive()).as("the run still runs %d ms after the interrupt", PROMPTLY.toMillis())
                    .isFalse();
            System.out.printf("the interrupted run ended after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThatThrownBy(outcome::join).as("how the run ended").hasCauseInstanceOf(InterruptedException.class);
            Await.until("every Paho thread has ended", () -> pahoThreads().isEmpty(), PROMPTLY);
        }
    }
}
