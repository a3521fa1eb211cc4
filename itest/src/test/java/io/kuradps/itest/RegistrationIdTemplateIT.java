package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_FAILED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Counters;
import io.kuradps.simulator.Enrollment;

/**
 * One gateway image for a whole fleet: a registration.id template filled from Kura's SystemService gives each
 * gateway its own id, so one configuration (one snapshot) with a group enrollment provisions them all. The other
 * gateways of the fleet are this framework under another SystemService.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RegistrationIdTemplateIT extends SystemServiceSupport {


    @Test
    public void oneConfigurationProvisionsEveryGatewayOfAGroupUnderItsOwnId() throws Exception {
        String groupKey = newKey();
        simulator.enrollments().put(Enrollment.group("kura-fleet", Attestation.symmetricKey(groupKey))
                .withIotHubs(HUB_A));
        DpsProvisionerConfiguration image = configuration(simulator).symmetricKey("gw-${serial}", "group", groupKey);

        register(new TestSystemService().serialNumber("SN-0001"));
        image.applyTo(configurationAdmin);
        assertProvisionedAs("gw-sn-0001");

        for (String serial : new String[] { "SN-0002", "SN-0003" }) {
            register(new TestSystemService().serialNumber(serial));
            assertProvisionedAs("gw-" + serial.toLowerCase(java.util.Locale.ROOT));
        }
        for (String id : new String[] { "gw-sn-0001", "gw-sn-0002", "gw-sn-0003" }) {
            assertTrue(id + " registered", simulator.counters().count(id, Counters.EventKind.REGISTER) >= 1);
        }
    }

    @Test
    public void theMacAddressAndHostNameFillTheirPlaceholders() throws Exception {
        String groupKey = newKey();
        simulator.enrollments().put(Enrollment.group("kura-fleet-mac", Attestation.symmetricKey(groupKey))
                .withIotHubs(HUB_B));
        register(new TestSystemService().primaryMacAddress("00:00:5E:00:53:2A").hostname("Edge-North"));

        configuration(simulator).symmetricKey("${hostname}.${mac}", "group", groupKey).applyTo(configurationAdmin);

        assertProvisionedAs("edge-north.00:00:5e:00:53:2a");
    }

    @Test
    public void aResolvedValueThatIsNoRegistrationIdIsShownWithTheField() throws Exception {
        register(new TestSystemService().serialNumber("AB C"));
        long connectsBefore = simulator.counters().connects();

        configuration(simulator).symmetricKey("gw-${serial}", "group", newKey()).applyTo(configurationAdmin);

        String message = (String) events.await(TOPIC_FAILED, STEP).getProperty("error.message");
        assertTrue(message, message.contains(
                "registration.id: 'gw-${serial}' resolved to 'gw-ab c', which may contain only lowercase letters"));
        assertEquals("nothing was sent", connectsBefore, simulator.counters().connects());
    }

    /** Assigned under {@code id}, which the events, the service properties and dps:status all show. */
    private void assertProvisionedAs(String id) throws Exception {
        assertEquals(id, awaitAssigned(id).getProperty(DEVICE_ID));
        try (ProvisioningServiceTracker tracker = ProvisioningServiceTracker.open(context,
                "(" + REGISTRATION_ID + "=" + id + ")")) {
            assertNotNull("service properties name " + id, tracker.await(STEP));
        }
        String status = dpsStatus();
        assertTrue(status, status.contains(id));
    }

    /** What the Gogo command dps:status prints: Gogo calls status() on the service with scope dps. */
    private String dpsStatus() throws Exception {
        ServiceReference<?>[] commands = context.getServiceReferences((String) null, "(osgi.command.scope=dps)");
        assertNotNull("the dps commands are registered", commands);
        Object service = context.getService(commands[0]);
        try {
            return (String) service.getClass().getMethod("status").invoke(service);
        } finally {
            context.ungetService(commands[0]);
        }
    }
}
