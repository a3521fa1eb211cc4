package io.kuradps.itest;

import static org.ops4j.pax.exam.CoreOptions.bootDelegationPackages;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.Enrollment;

/**
 * A DPS simulator in the test JVM (outside OSGi; its package reaches the probe through boot delegation), a
 * recorder of provisioning events, and the provisioner configured through ConfigAdmin as Kura does. Every test
 * gets a fresh simulator on ephemeral ports and removes the configuration afterwards.
 */
public abstract class SimulatedDpsSupport {

    /** Upper bound for any single step (a registration takes about one retry-after, 1 s here). */
    protected static final Duration STEP = Duration.ofSeconds(30);
    protected static final String HUB_A = "hub-a.azure-devices.net";
    protected static final String HUB_B = "hub-b.azure-devices.net";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    protected BundleContext context;
    @Inject
    protected ConfigurationAdmin configurationAdmin;

    protected Path workDirectory;
    protected DpsSimulator simulator;
    protected ProvisioningEventLog events;

    @Configuration
    public Option[] configuration() {
        return new Option[] {
            composite(KuraStack.options()),
            // The simulator's classes come from the test class path (the framework's own loader), and only
            // those: no other class may leak in from outside the framework.
            frameworkProperty("org.osgi.framework.bundle.parent").value("framework"),
            frameworkProperty("osgi.compatibility.bootdelegation").value("false"),
            bootDelegationPackages("io.kuradps.simulator", "io.kuradps.simulator.*") };
    }

    @Before
    public void startSimulatorAndListen() throws IOException {
        workDirectory = Files.createTempDirectory("kuradps-itest");
        simulator = startSimulator(b -> b);
        events = ProvisioningEventLog.listen(context);
    }

    @After
    public void removeConfigurationAndStop() throws IOException {
        try {
            removeProvisionerConfiguration();
        } finally {
            events.close();
            simulator.close();
        }
        try (Stream<Path> files = Files.walk(workDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Deletes the provisioner's configuration and waits until the component is gone. */
    protected void removeProvisionerConfiguration() throws IOException {
        DpsProvisionerConfiguration.deleteFrom(configurationAdmin);
        // Gone means its worker has stopped, so nothing of this test reaches the next one's event log.
        Await.until("the provisioner is deactivated", STEP,
                () -> context.getServiceReference(DpsProvisioning.class) == null);
    }

    /** Starts a simulator on ephemeral loopback ports; {@code customise} may change the defaults. */
    protected DpsSimulator startSimulator(UnaryOperator<DpsSimulator.Builder> customise) {
        return customise.apply(DpsSimulator.builder()
                .host("127.0.0.1")
                .mqttPort(0)
                .webSocketPort(0)
                .caDirectory(workDirectory)
                .retryAfterSeconds(1))
                .start();
    }

    /** The provisioner's configuration for the running simulator, MQTT transport. */
    protected DpsProvisionerConfiguration configuration(DpsSimulator dps) {
        return DpsProvisionerConfiguration.forSimulator("127.0.0.1:" + dps.mqttPort(), dps.idScope(),
                dps.caCertificateFile().toString());
    }

    /** Enrolls the id individually with a fresh symmetric key, assigned to {@code hub}; returns the key. */
    protected String enrollIndividual(String registrationId, String hub) {
        return enrollIndividual(registrationId, e -> e.withIotHubs(hub));
    }

    protected String enrollIndividual(String registrationId, UnaryOperator<Enrollment> details) {
        String key = newKey();
        simulator.enrollments().put(
                details.apply(Enrollment.individual(registrationId, Attestation.symmetricKey(key))));
        return key;
    }

    /** The provisioner's configuration for an individual enrollment with a symmetric key. */
    protected DpsProvisionerConfiguration individual(String registrationId, String key) {
        return configuration(simulator).symmetricKey(registrationId, "individual", key);
    }

    protected static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    protected Event awaitAssigned(String registrationId) throws InterruptedException {
        return awaitEvent(ProvisioningEvents.TOPIC_ASSIGNED, registrationId);
    }

    /** The next event on {@code topic} about {@code registrationId}. */
    protected Event awaitEvent(String topic, String registrationId) throws InterruptedException {
        return events.await(topic, e -> registrationId.equals(e.getProperty(ProvisioningEvents.REGISTRATION_ID)),
                STEP);
    }
}
