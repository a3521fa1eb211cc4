package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.RETRYABLE;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.simulator.DeviceIdentity;

/**
 * Each configuration field in turn set wrong, after the gateway got hub A from DPS: a FAILED event whose message
 * starts with the field id, not retryable, no connection to DPS, and hub A still in force.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadConfigurationIT extends SimulatedDpsSupport {

    @Test
    public void idScope() throws Exception {
        rejected("id.scope", c -> c.set("id.scope", ""), c -> c.set("id.scope", "0ne-not a scope"));
    }

    @Test
    public void registrationId() throws Exception {
        char[] tooLong = new char[129];
        Arrays.fill(tooLong, 'a');
        rejected("registration.id", c -> c.set("registration.id", "Gateway-Upper"),
                c -> c.set("registration.id", "gw/illegal#chars"), c -> c.set("registration.id", new String(tooLong)));
    }

    @Test
    public void symmetricKey() throws Exception {
        rejected("symmetric.key", c -> c.set("symmetric.key", "not base64 at all!"),
                c -> c.set("symmetric.key", "c2hvcnQta2V5"));
    }

    @Test
    public void certificateFiles() throws Exception {
        Path directory = Files.createDirectories(workDirectory.resolve("not-a-file.pem"));
        rejected("x509.certificate.path",
                c -> x509Pem(c, workDirectory.resolve("missing.pem").toString(), workDirectory.resolve("key.pem")),
                c -> x509Pem(c, directory.toString(), workDirectory.resolve("key.pem")));
    }

    @Test
    public void keystorePassword() throws Exception {
        DeviceIdentity identity = simulator.issueDeviceCertificate("gw-bad-x509.pkcs12.password");
        Path pkcs12 = workDirectory.resolve("device.p12");
        Files.write(pkcs12, identity.pkcs12());
        rejected("x509.pkcs12.password", c -> c.set("attestation", "x509").set("symmetric.key", "")
                .set("x509.pkcs12.path", pkcs12.toString()).set("x509.pkcs12.password", "wrong-password"));
    }

    @Test
    public void customPayload() throws Exception {
        rejected("custom.payload", c -> c.set("custom.payload", "[1, 2, 3]"),
                c -> c.set("custom.payload", "{\"unterminated\": "));
    }

    @Test
    public void apiVersion() throws Exception {
        rejected("api.version", c -> c.set("api.version", "2020-01-01"));
    }

    @Test
    public void endpoint() throws Exception {
        rejected("global.endpoint", c -> c.set("global.endpoint", "mqtts://127.0.0.1:8883"),
                c -> c.set("global.endpoint", "127.0.0.1:99999"), c -> c.set("global.endpoint", "dps host.example"));
    }

    private static DpsProvisionerConfiguration x509Pem(DpsProvisionerConfiguration c, String certificate, Path key)
            throws RuntimeException {
        try {
            Files.write(key, "not used".getBytes(StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return c.set("attestation", "x509").set("symmetric.key", "").set("x509.certificate.path", certificate)
                .set("x509.key.path", key.toString());
    }

    @SafeVarargs
    private final void rejected(String field, UnaryOperator<DpsProvisionerConfiguration>... breakages)
            throws Exception {
        // One registration id per field, so no test finds another's cached assignment.
        String id = "gw-bad-" + field;
        String key = enrollIndividual(id, HUB_A);
        individual(id, key).applyTo(configurationAdmin);
        assertEquals("dps", awaitAssigned(id).getProperty(SOURCE));
        long connections = simulator.counters().connections();

        for (UnaryOperator<DpsProvisionerConfiguration> breakage : breakages) {
            breakage.apply(individual(id, key)).applyTo(configurationAdmin);
            Event failed = events.await(TOPIC_FAILED, STEP);
            String message = (String) failed.getProperty(ERROR_MESSAGE);
            assertNotNull(message);
            assertTrue("names " + field + ": " + message, message.startsWith("invalid configuration: " + field + ":")
                    || message.contains(field + ":"));
            assertEquals(Boolean.FALSE, failed.getProperty(RETRYABLE));
            assertFalse("the key in the message: " + message, message.contains(key));

            DpsProvisioning service = context.getService(context.getServiceReference(DpsProvisioning.class));
            assertEquals(ProvisioningStatus.State.FAILED, service.status().state());
            assertEquals("hub A still in force", HUB_A, service.currentAssignment().get().assignedHub());
        }
        assertEquals("connections to DPS after the bad configurations", connections,
                simulator.counters().connections());
    }
}
