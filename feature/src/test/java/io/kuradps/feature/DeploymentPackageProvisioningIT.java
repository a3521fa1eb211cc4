package io.kuradps.feature;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentPackage;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

import io.kuradps.simulator.DpsSimulator;

/**
 * The whole path a Kura user takes: install the .dp file with DeploymentAdmin, configure the component
 * through ConfigAdmin as the web UI does, see it provision against the DPS simulator (running in the test
 * JVM, reached through boot delegation), then uninstall it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeploymentPackageProvisioningIT {

    private static final String PID = "io.kuradps.provisioning.DpsProvisioner";
    private static final String DEMO_REGISTRATION = "kura-gateway-demo";
    private static final String DEMO_KEY = "DfWFmJ5PfKyneA3UOtnHVcjBwxxBnlN3n+ANQ5VWj5g=";
    private static final String DEMO_HUB = "kura-dps-demo-hub.azure-devices.net";

    @Inject
    private BundleContext context;

    @Inject
    private DeploymentAdmin deploymentAdmin;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] configuration() {
        return options(KuraStack.withDeploymentAdmin());
    }

    @Test
    public void installedPackageIsConfiguredProvisionsAndUninstallsCleanly() throws Exception {
        Path work = Files.createTempDirectory("dp-provisioning");
        try (DpsSimulator simulator = DpsSimulator.builder().host("127.0.0.1").mqttPort(0).webSocketPort(-1)
                .enrollmentsFile(KuraStack.configDirectory().resolve("simulator-enrollments.json"))
                .caDirectory(work).start()) {
            BlockingQueue<Event> assigned = new ArrayBlockingQueue<>(4);
            Hashtable<String, Object> topics = new Hashtable<>();
            topics.put(EventConstants.EVENT_TOPIC, "io/kuradps/provisioning/ProvisioningEvent/ASSIGNED");
            ServiceRegistration<EventHandler> listener = this.context.registerService(EventHandler.class,
                    assigned::offer, topics);

            DeploymentPackage ours;
            try (InputStream in = Files.newInputStream(KuraStack.deploymentPackage())) {
                ours = this.deploymentAdmin.installDeploymentPackage(in);
            }
            Bundle bundle = ours.getBundle("io.kuradps.provisioning");
            assertEquals(Bundle.ACTIVE, bundle.getState());

            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("enabled", Boolean.TRUE);
            properties.put("global.endpoint", simulator.host() + ":" + simulator.mqttPort());
            properties.put("id.scope", simulator.idScope());
            properties.put("registration.id", DEMO_REGISTRATION);
            // No CryptoService on this stack: the component takes the Password value as given, as Kura does
            // for a value set by means other than the web UI.
            properties.put("symmetric.key", DEMO_KEY);
            properties.put("ca.file", simulator.caCertificateFile().toString());
            properties.put("kura.service.pid", PID);
            org.osgi.service.cm.Configuration configuration = this.configurationAdmin.getConfiguration(PID, "?");
            configuration.update(properties);

            ServiceTracker<Object, Object> configurable = new ServiceTracker<>(this.context,
                    this.context.createFilter("(&(objectClass=org.eclipse.kura.configuration.ConfigurableComponent)"
                            + "(service.pid=" + PID + "))"),
                    null);
            configurable.open();
            assertNotNull("the component registers as a Kura ConfigurableComponent",
                    configurable.waitForService(TimeUnit.SECONDS.toMillis(30)));
            configurable.close();

            Event event = assigned.poll(60, TimeUnit.SECONDS);
            assertNotNull("ASSIGNED within 60 s", event);
            assertEquals(DEMO_HUB, event.getProperty("assigned.hub"));
            assertEquals(DEMO_REGISTRATION, event.getProperty("device.id"));
            assertEquals("dps", event.getProperty("source"));
            assertEquals("one registration reached DPS", 1, simulator.counters().registers());
            assertNotNull("a late consumer finds the assignment on the service",
                    this.context.getServiceReferences("io.kuradps.provisioning.api.DpsProvisioning",
                            "(assigned.hub=" + DEMO_HUB + ")"));

            ours.uninstall();
            listener.unregister();
            configuration.delete();

            assertNull("bundle gone", this.deploymentAdmin.getDeploymentPackage("kura-dps"));
            assertEquals("no thread of ours left", List.of(), Threads.survivorsAfter(10, TimeUnit.SECONDS));
        }
    }
}
