package io.kuradps.itest;

import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;

/**
 * Kura's CryptoService goes before the add-on at a Kura shutdown (kura.md fact 11; runtime-support/README.md,
 * "Shutdown order"), and may leave while it runs: neither is a failure of the add-on. {@link GatewayReboot} shuts
 * the gateway down that way.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShutdownOrderIT extends SimulatedHubSupport {

    /** Long enough for a FAILED the CryptoService's leaving would bring: the bundle reacts within milliseconds. */
    private static final Duration QUIET = Duration.ofSeconds(5);
    /** What slf4j-simple prints for an error of the provisioning bundle's loggers. */
    private static final String BUNDLE_ERROR = "ERROR io.kuradps.provisioning";

    @Test
    public void aShutdownWithTheCryptoServiceGoingFirstIsNoFailure() throws Exception {
        String id = "gw-shutdown";
        provisionedThroughKuraAndConnected(id);

        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            List<String> meanwhile = new ArrayList<>();
            // On Kura the add-on runs on while other bundles stop: what it does then is part of the shutdown.
            GatewayReboot.rebootKura(context, configurationAdmin, () -> {
            }, () -> meanwhile.addAll(eventsWithin(QUIET)));
            kuraWebConsoleStarts();

            Event assigned = awaitAssigned(id);
            awaitHubEvent(TOPIC_CONNECTED, id);
            assertEquals("the assignment after the reboot comes from", "cache", assigned.getProperty(SOURCE));
            assertEquals("FAILED events at the shutdown (events meanwhile: " + meanwhile + ")", Collections.emptyList(),
                    failed(events.seen()));
            assertFalse("the bundle logged an error:\n" + log.text(), log.text().contains(BUNDLE_ERROR));
        }
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"after\":\"reboot\"}");
    }

    @Test
    public void theCryptoServiceLeavingWhileTheBundleRunsIsNoFailureAndItIsUsedAgainWhenItComesBack()
            throws Exception {
        String id = "gw-crypto-leaves";
        provisionedThroughKuraAndConnected(id);

        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            KuraCryptoService.leaves(context);
            List<String> meanwhile = eventsWithin(QUIET);
            DpsProvisioning provisioning = context.getService(context.getServiceReference(DpsProvisioning.class));
            assertEquals("FAILED events while the CryptoService was away", Collections.emptyList(),
                    failed(events.seen()));
            assertEquals("the provisioner's state while the CryptoService was away (events meanwhile: " + meanwhile + ")",
                    ProvisioningStatus.State.ASSIGNED, provisioning.status().state());
            assertEquals(HUB_A, provisioning.currentAssignment().get().assignedHub());

            KuraCryptoService.comesBack(context);
            provisioning.reprovision();

            Event assigned = awaitAssigned(id);
            assertEquals("a registration signed with the key the CryptoService decrypts again", "dps",
                    assigned.getProperty(SOURCE));
            awaitHubEvent(TOPIC_CONNECTED, id);
            assertFalse("the bundle logged an error:\n" + log.text(), log.text().contains(BUNDLE_ERROR));
        }
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"after\":\"crypto\"}");
    }

    /**
     * The provisioner configured as Kura's web UI configures it, through Kura's ConfigurationService, so that its key
     * is stored encrypted with Kura's CryptoService; then the hub link enabled and CONNECTED.
     */
    private void provisionedThroughKuraAndConnected(String id) throws Exception {
        String key = enrollIndividual(id, HUB_A);
        Await.until("Kura tracks the provisioner", STEP,
                () -> configurationService().getConfigurableComponentPids().contains(DpsProvisionerConfiguration.PID));
        individual(id, key).applyThrough(configurationService());
        awaitAssigned(id);
        enableHubLink(Collections.emptyMap());
        awaitHubEvent(TOPIC_CONNECTED, id);
    }

    /** The topics of the events that come until none has come for that long (a bounded wait, not a sleep). */
    private List<String> eventsWithin(Duration quiet) throws InterruptedException {
        List<String> topics = new ArrayList<>();
        for (Event event = events.next(quiet); event != null; event = events.next(quiet)) {
            topics.add(event.getTopic());
        }
        return topics;
    }

    private static List<String> failed(List<String> seen) {
        List<String> failed = new ArrayList<>();
        for (String event : seen) {
            if (event.startsWith("FAILED")) {
                failed.add(event);
            }
        }
        return failed;
    }
}
