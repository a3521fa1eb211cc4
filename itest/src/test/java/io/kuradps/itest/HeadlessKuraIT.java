package io.kuradps.itest;

import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

/**
 * A headless Kura, as most gateways are (kura.md, "Measured in real Kura 5.5", fact 2): only Kura's web console posts
 * the configuration READY, so here nobody does. Each test starts the provisioning bundle afresh, as a boot or an
 * install of the add-on does, so the hub link starts with the test, as it does on a gateway.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HeadlessKuraIT extends SimulatedHubSupport {

    /**
     * A few seconds: a registration and a connection to the simulator take well under two. The hub link's READY bound
     * is 30 s (bundle/README.md); a hub link that waits it out is not CONNECTED within this.
     */
    private static final Duration A_FEW_SECONDS = Duration.ofSeconds(10);

    @Override
    protected boolean kuraHasWebConsole() {
        return false;
    }

    @Before
    public void theAddOnStartsAfresh() throws Exception {
        Bundle provisioning = KuraStack.provisioningBundle(context);
        provisioning.stop();
        provisioning.start();
        Await.until("the hub link runs", STEP, () -> !"none".equals(hubLinkState()));
    }

    @Test
    public void theHubLinkConnectsWithinAFewSecondsOfBeingEnabledOnAHeadlessKura() throws Exception {
        String id = "gw-headless";
        String key = enrollIndividual(id, HUB_A);
        individual(id, key).applyTo(configurationAdmin);
        awaitAssigned(id);
        long enabled = System.nanoTime();

        enableHubLink(Collections.emptyMap());

        hubEvents.await(TOPIC_CONNECTED, e -> id.equals(e.getProperty(DEVICE_ID)), A_FEW_SECONDS);
        System.out.printf("[figures] %s: headless Kura, hub link enabled -> CONNECTED: %.1f s%n", KuraStack.NAME,
                (System.nanoTime() - enabled) / 1e9);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"headless\":true}");
    }

    /** A token is signed right before it is written: none of its lifetime goes into a wait. */
    @Test
    public void theFirstTokenIsWrittenWithItsWholeLifetimeAhead() throws Exception {
        String id = "gw-headless-token";
        String key = enrollIndividual(id, HUB_A);
        int lifetimeSeconds = 60;
        Map<String, Object> settings = Collections.singletonMap("token.lifetime.seconds", lifetimeSeconds);

        provisionThenLink(individual(id, key), id, settings);

        Event configured = hubEvents.await(TOPIC_CONFIGURED, e -> id.equals(e.getProperty(DEVICE_ID)), STEP);
        long left = (Long) configured.getProperty(TOKEN_EXPIRY) - (Long) configured.getProperty(TIMESTAMP);
        assertTrue("the token written has " + left / 1000 + " s of its " + lifetimeSeconds + " s ahead",
                left >= lifetimeSeconds * 900L);
    }
}
