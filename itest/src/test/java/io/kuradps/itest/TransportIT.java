package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.Enrollment;

/** X.509 client authentication and MQTT over WebSocket, end to end through the component. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportIT extends SimulatedDpsSupport {

    @Test
    public void x509CertificateFromAPkcs12FileAuthenticates() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gw-x509");
        simulator.enrollments().put(Enrollment.individual("gw-x509", Attestation.x509(device.certificatePem()))
                .withIotHubs(HUB_A));
        Path pkcs12 = workDirectory.resolve("gw-x509.p12");
        Files.write(pkcs12, device.pkcs12());

        configuration(simulator)
                .set("registration.id", "gw-x509")
                .set("attestation", "x509")
                .set("x509.pkcs12.path", pkcs12.toString())
                .set("x509.pkcs12.password", new String(device.password()))
                .applyTo(configurationAdmin);

        Event assigned = awaitAssigned("gw-x509");
        assertEquals(HUB_A, assigned.getProperty(ASSIGNED_HUB));
        assertEquals("gw-x509", assigned.getProperty(DEVICE_ID));
    }

    @Test
    public void x509CertificateAndKeyFromPemFilesAuthenticate() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gw-x509-pem");
        simulator.enrollments().put(Enrollment.individual("gw-x509-pem",
                Attestation.x509(device.certificatePem())).withIotHubs(HUB_B));
        Path certificate = Files.write(workDirectory.resolve("device.crt"),
                device.certificatePem().getBytes(StandardCharsets.US_ASCII));
        Path key = Files.write(workDirectory.resolve("device.key"),
                device.privateKeyPem().getBytes(StandardCharsets.US_ASCII));

        configuration(simulator)
                .set("registration.id", "gw-x509-pem")
                .set("attestation", "x509")
                .set("x509.certificate.path", certificate.toString())
                .set("x509.key.path", key.toString())
                .applyTo(configurationAdmin);

        assertEquals(HUB_B, awaitAssigned("gw-x509-pem").getProperty(ASSIGNED_HUB));
    }

    @Test
    public void mqttOverWebSocketProvisions() throws Exception {
        String key = enrollIndividual("gw-websocket", HUB_B);

        individual("gw-websocket", key)
                .set("transport", "mqtt-websocket")
                .set("global.endpoint", "127.0.0.1:" + simulator.webSocketPort())
                .applyTo(configurationAdmin);

        assertEquals(HUB_B, awaitAssigned("gw-websocket").getProperty(ASSIGNED_HUB));
        assertTrue("registered through the WebSocket port",
                simulator.counters().count("gw-websocket", Counters.EventKind.REGISTER) >= 1);
    }
}
