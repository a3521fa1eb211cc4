package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting (builder, command line, given certificates), busy ports and graceful shutdown. */
class LifecycleTest {

    @TempDir
    Path directory;

    @Test
    void commandLineConfiguresTheSimulator() throws Exception {
        DpsSimulator.Builder builder = Main.configure(new String[] {"--config",
            EnrollmentFileTest.sample().toString(), "--mqtt-port", "0", "--ws-port", "0", "--ca-dir",
            directory.toString(), "--polls", "2", "--retry-after", "3", "--throttle", "50", "--id-scope", "0ne0000CLI1"});
        try (DpsSimulator simulator = builder.start()) {
            assertThat(simulator.mqttPort()).isPositive();
            assertThat(simulator.webSocketPort()).isPositive().isNotEqualTo(simulator.mqttPort());
            assertThat(simulator.idScope()).isEqualTo("0ne0000CLI1");
            assertThat(simulator.toString()).contains("wss://127.0.0.1:" + simulator.webSocketPort());
            assertThat(simulator.caCertificateFile()).isEqualTo(directory.resolve(DpsSimulator.CA_FILE_NAME));
            assertThat(simulator.enrollments().all()).hasSize(6);
            try (TestDevice device = TestDevice.open(simulator)) {
                device.connect(simulator, "gateway-001", RegistrationTest.KEY);
                device.subscribeToResponses();
                device.register("1", "gateway-001");
                assertThat(device.response().topic()).endsWith("retry-after=3");
            }
        }
    }

    @Test
    void commandLineErrorsNameTheOption() {
        assertThatThrownBy(() -> Main.configure(new String[] {"--mqtt-port", "0"}))
                .hasMessageContaining("--config is required");
        assertThatThrownBy(() -> Main.configure(new String[] {"--config", "x.json", "--mqtt-port", "many"}))
                .hasMessageContaining("--mqtt-port");
        assertThatThrownBy(() -> Main.configure(new String[] {"--config", "x.json", "--colour", "blue"}))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> Main.configure(new String[] {"--config"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Main.configure(new String[] {"--config", "x.json", "--issued-validity-days", "91"}))
                .hasMessageStartingWith("issuedCertificateValidityDays must be 1 to 90 days");
        assertThatThrownBy(() -> Main.configure(new String[] {"--config", "x.json", "--hub-service-port", "0"}).start())
                .hasMessageContaining("hubServicePort needs hubPort");
    }

    @Test
    void busyPortFailsClearly() {
        try (DpsSimulator first = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).start()) {
            assertThatThrownBy(() -> DpsSimulator.builder().mqttPort(first.mqttPort()).webSocketPort(-1).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen for MQTT on 127.0.0.1:" + first.mqttPort());
        }
    }

    @Test
    void invalidBuilderValuesAreRefused() {
        assertThatThrownBy(() -> DpsSimulator.builder().mqttPort(70000)).hasMessageContaining("mqttPort");
        assertThatThrownBy(() -> DpsSimulator.builder().webSocketPort(-2)).hasMessageContaining("webSocketPort");
        assertThatThrownBy(() -> DpsSimulator.builder().throttle(0)).hasMessageContaining("throttle");
        assertThatThrownBy(() -> DpsSimulator.builder().idScope("a/b")).hasMessageContaining("idScope");
        assertThatThrownBy(() -> DpsSimulator.builder().pollsBeforeAssignment(-1))
                .hasMessageContaining("pollsBeforeAssignment");
        assertThatThrownBy(() -> DpsSimulator.builder().enrollments(Enrollments.empty())
                .enrollmentsFile(directory.resolve("x.json")).start()).hasMessageContaining("not both");
    }

    @Test
    void closeEndsEveryConnectionAndFreesThePorts() {
        DpsSimulator simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(0)
                .enrollments(Enrollments.of(Enrollment.individual("dev-1", Attestation.symmetricKey(RegistrationTest.KEY))))
                .start();
        int port = simulator.mqttPort();
        TestDevice device = TestDevice.open(simulator);
        assertThat(device.connect(simulator, "dev-1", RegistrationTest.KEY))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        simulator.close();
        assertThat(device.awaitClosed()).isTrue();
        simulator.close(); // a second close is harmless
        try (DpsSimulator again = DpsSimulator.builder().mqttPort(port).webSocketPort(-1).start()) {
            assertThat(again.mqttPort()).isEqualTo(port);
        }
    }

    @Test
    void givenCaAndServerCertificateAreUsed() throws Exception {
        CertificateAuthority authority = CertificateAuthority.generate(Clock.systemUTC());
        CertificateAuthority.IssuedCertificate server = authority.issueServerCertificate("127.0.0.1");
        String caPem = Pem.encode(authority.certificate());
        try (DpsSimulator simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).caDirectory(directory)
                .certificateAuthority(caPem, Pem.encode(authority.privateKey()))
                .serverCertificate(Pem.encode(server.certificate()) + Pem.encode(server.issuer()),
                        Pem.encode(server.key()))
                .start()) {
            assertThat(simulator.caCertificatePem()).isEqualTo(caPem);
            assertThat(Files.readString(simulator.caCertificateFile())).isEqualTo(caPem);
            try (var socket = (javax.net.ssl.SSLSocket) simulator.clientSslContext().getSocketFactory()
                    .createSocket("127.0.0.1", simulator.mqttPort())) {
                socket.startHandshake();
                assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(server.certificate());
            }
            DeviceIdentity device = simulator.issueDeviceCertificate("dev-9");
            assertThat(Pem.certificates(device.caCertificatePem()).get(0)).isEqualTo(authority.certificate());
        }
    }

    @Test
    void commandLineStartsTheHubEndpointOnlyWhenAsked() throws Exception {
        String config = EnrollmentFileTest.sample().toString();
        try (DpsSimulator simulator = Main.configure(new String[] {"--config", config, "--mqtt-port", "0",
            "--ws-port", "-1", "--hub-port", "0", "--hub-ws-port", "0"}).start()) {
            HubSimulator hub = simulator.hub();
            assertThat(hub.mqttPort()).isPositive().isNotEqualTo(simulator.mqttPort());
            assertThat(hub.webSocketPort()).isPositive().isNotEqualTo(hub.mqttPort());
            assertThat(simulator.toString()).contains("wss://127.0.0.1:" + hub.webSocketPort() + "/$iothub/websocket");
            assertThat(hub.serves("contoso-hub-2.azure-devices.net")).isTrue();
        }
        try (DpsSimulator simulator = Main.configure(new String[] {"--config", config, "--mqtt-port", "0",
            "--ws-port", "-1"}).start()) {
            assertThat(simulator.hasHub()).isFalse();
            assertThatThrownBy(simulator::hub).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("hubPort(0)");
        }
        assertThatThrownBy(() -> Main.configure(new String[] {"--config", config, "--hub-ws-port", "0"}).start())
                .hasMessageContaining("hubWebSocketPort needs hubPort");
        assertThatThrownBy(() -> DpsSimulator.builder().hubPort(-2)).hasMessageContaining("hubPort");
    }

    @Test
    void aBusyHubPortFailsClearlyAndFreesTheDpsPorts() {
        try (DpsSimulator first = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).start()) {
            int dpsPort;
            try (DpsSimulator probe = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).start()) {
                dpsPort = probe.mqttPort();
            }
            assertThatThrownBy(() -> DpsSimulator.builder().mqttPort(dpsPort).webSocketPort(-1)
                    .hubPort(first.hub().mqttPort()).start()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen for IoT hub MQTT on 127.0.0.1:" + first.hub().mqttPort());
            try (DpsSimulator again = DpsSimulator.builder().mqttPort(dpsPort).webSocketPort(-1).start()) {
                assertThat(again.mqttPort()).isEqualTo(dpsPort);
            }
        }
    }
}
