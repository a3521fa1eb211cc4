package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.io.IOException;
import java.time.Clock;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS versions, the server certificate, and X.509 device authentication (individual and group CA). */
class X509AndTlsTest {

    static DpsSimulator simulator;
    static DeviceIdentity pinned;

    @BeforeAll
    static void start() {
        simulator = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).idScope("0ne000X5091")
                .enrollments(Enrollments.of(
                        Enrollment.individual("x509-by-ca", Attestation.x509BySimulatorCa()).withDeviceId("cam-1")
                                .withIotHubs("hub-x.azure-devices.net"),
                        Enrollment.group("x509-fleet", Attestation.x509BySimulatorCa())
                                .withIotHubs("hub-y.azure-devices.net"),
                        Enrollment.individual("symmetric-only", Attestation.symmetricKey(RegistrationTest.KEY))))
                .start();
        pinned = simulator.issueDeviceCertificate("x509-pinned");
        simulator.enrollments().put(Enrollment.individual("x509-pinned", Attestation.x509(pinned.certificatePem())));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static TestDevice.Response provisionWithCertificate(DeviceIdentity identity, String registrationId,
            String apiVersion) {
        try (TestDevice device = TestDevice.open(simulator.mqttPort(), simulator.clientSslContext(identity))) {
            assertThat(device.connect(registrationId, simulator.idScope() + "/registrations/" + registrationId
                    + "/api-version=" + apiVersion, null)).isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
            device.subscribeToResponses();
            return device.provision(registrationId);
        }
    }

    static TestDevice.Response provisionWithCertificate(DeviceIdentity identity) {
        return provisionWithCertificate(identity, identity.registrationId(), "2021-06-01");
    }

    @Test
    void individualEnrollmentTrustingTheSimulatorCa() {
        TestDevice.Response answer = provisionWithCertificate(simulator.issueDeviceCertificate("x509-by-ca"));
        JsonNode state = answer.json().path("registrationState");
        assertThat(answer.json().path("status").asText()).isEqualTo("assigned");
        assertThat(state.path("deviceId").asText()).isEqualTo("cam-1");
        assertThat(state.path("assignedHub").asText()).isEqualTo("hub-x.azure-devices.net");
        assertThat(state.has("x509")).isTrue();
    }

    @Test
    void individualEnrollmentWithAPinnedCertificateAcceptsOnlyThatOne() {
        assertThat(provisionWithCertificate(pinned).status()).isEqualTo(200);
        TestDevice.Response other = provisionWithCertificate(simulator.issueDeviceCertificate("x509-pinned"));
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.json().path("errorCode").asInt()).isEqualTo(401002);
        assertThat(other.json().path("message").asText()).isEqualTo("Invalid certificate.");
    }

    @Test
    void groupEnrollmentTrustsDevicesSignedByItsCa() {
        TestDevice.Response answer = provisionWithCertificate(simulator.issueDeviceCertificate("camera-77"));
        JsonNode state = answer.json().path("registrationState");
        assertThat(state.path("assignedHub").asText()).isEqualTo("hub-y.azure-devices.net");
        assertThat(state.path("deviceId").asText()).isEqualTo("camera-77");
        assertThat(state.path("x509").path("enrollmentGroupId").asText()).isEqualTo("x509-fleet");
    }

    @Test
    void certificateFromAnotherCaIsAnswered401002() {
        try (DpsSimulator stranger = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).start()) {
            DeviceIdentity foreign = stranger.issueDeviceCertificate("camera-78");
            TestDevice.Response answer = provisionWithCertificate(foreign);
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.json().path("errorCode").asInt()).isEqualTo(401002);
        }
    }

    @Test
    void commonNameMustBeTheRegistrationId() {
        DeviceIdentity identity = simulator.issueDeviceCertificate("camera-79");
        TestDevice.Response answer = provisionWithCertificate(identity, "camera-80", "2021-06-01");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(simulator.counters().lastAuthenticationFailure("camera-80")).contains("CN");
    }

    @Test
    void certificateForASymmetricKeyEnrollmentIsAnswered401() {
        TestDevice.Response answer = provisionWithCertificate(simulator.issueDeviceCertificate("symmetric-only"));
        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void noCredentialsAtAllIsAnswered401() {
        try (TestDevice device = TestDevice.open(simulator)) {
            device.connect("nobody", TestDevice.username(simulator.idScope(), "nobody"), null);
            device.subscribeToResponses();
            device.register("1", "nobody");
            assertThat(device.response().status()).isEqualTo(401);
        }
    }

    @Test
    void groupCaGivenAsPemWithAnIntermediateInTheChainNeedsApiVersion2021() {
        CertificateAuthority root = CertificateAuthority.generate(Clock.systemUTC());
        CertificateAuthority intermediate = root.issueIntermediate("fleet intermediate");
        simulator.enrollments().put(Enrollment.group("pem-fleet", Attestation.x509(Pem.encode(root.certificate())))
                .withIotHubs("hub-z.azure-devices.net"));
        DeviceIdentity device = DeviceIdentity.of("pem-device-1", intermediate.issueDeviceCertificate("pem-device-1"));

        TestDevice.Response old = provisionWithCertificate(device, "pem-device-1", "2019-03-31");
        assertThat(old.status()).as("production DPS refused such chains on 2019-03-31").isEqualTo(401);
        assertThat(old.json().path("errorCode").asInt()).isEqualTo(401002);

        TestDevice.Response current = provisionWithCertificate(device, "pem-device-1", "2021-06-01");
        assertThat(current.json().path("registrationState").path("assignedHub").asText())
                .isEqualTo("hub-z.azure-devices.net");
        simulator.enrollments().remove(Enrollment.Kind.GROUP, "pem-fleet");
    }

    @Test
    void tls12AndTls13AreAccepted() throws IOException {
        for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
            try (SSLSocket socket = (SSLSocket) simulator.clientSslContext().getSocketFactory()
                    .createSocket("127.0.0.1", simulator.mqttPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
    }

    @Test
    void tls10And11AreRefused() throws IOException {
        assertThat(DpsSimulator.TLS_PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
        for (String protocol : new String[] {"TLSv1", "TLSv1.1"}) {
            try (SSLSocket socket = (SSLSocket) simulator.clientSslContext().getSocketFactory()
                    .createSocket("127.0.0.1", simulator.mqttPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
            }
        }
    }

    @Test
    void serverAnswersAnOldClientHelloWithAProtocolVersionAlert() throws IOException {
        for (int minor : new int[] {1, 2}) { // TLS 1.0 = 3.1, TLS 1.1 = 3.2
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", simulator.mqttPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(clientHello(minor));
                byte[] answer = socket.getInputStream().readNBytes(7);
                assertThat(answer[0]).as("record type alert").isEqualTo((byte) 21);
                assertThat(answer[6]).as("alert protocol_version").isEqualTo((byte) 70);
            }
        }
    }

    /** A minimal ClientHello offering only TLS 1.{minor-1}, written by hand so the JDK client cannot veto it. */
    private static byte[] clientHello(int minor) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(3);
        body.write(minor);
        body.writeBytes(new byte[32]); // random
        body.write(0); // no session id
        body.writeBytes(new byte[] {0, 4, (byte) 0xC0, 0x09, (byte) 0xC0, 0x13}); // ECDHE AES-128-CBC suites
        body.writeBytes(new byte[] {1, 0}); // no compression
        body.writeBytes(new byte[] {0, 14, 0, 0x0a, 0, 4, 0, 2, 0, 0x17, 0, 0x0b, 0, 2, 1, 0}); // P-256, uncompressed
        byte[] hello = body.toByteArray();
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 1, (byte) ((hello.length + 4) >> 8), (byte) (hello.length + 4)});
        record.writeBytes(new byte[] {1, 0, (byte) (hello.length >> 8), (byte) hello.length});
        record.writeBytes(hello);
        return record.toByteArray();
    }

    @Test
    void serverCertificateNamesLocalhostAndLoopback() throws Exception {
        try (SSLSocket socket = (SSLSocket) simulator.clientSslContext().getSocketFactory()
                .createSocket("127.0.0.1", simulator.mqttPort())) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            var server = (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(server.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))))
                    .contains("localhost", "127.0.0.1");
        }
        assertThat(simulator.caCertificateFile()).content().isEqualTo(simulator.caCertificatePem());
    }

    @Test
    void deviceIdentityHidesItsSecrets() {
        DeviceIdentity identity = simulator.issueDeviceCertificate("secretive");
        assertThat(identity.toString()).doesNotContain(new String(identity.password()))
                .doesNotContain("PRIVATE KEY");
        assertThat(identity.privateKeyPem()).contains("PRIVATE KEY");
        assertThat(Pem.certificates(identity.certificatePem()).get(0).getSubjectX500Principal().getName())
                .isEqualTo("CN=secretive");
    }
}
