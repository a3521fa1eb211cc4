package io.kuradps.itest;

import static io.kuradps.provisioning.api.HubConnectionEvents.REPROVISIONING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_REFUSED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_TOKEN_RENEWED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.kura.KuraStoreException;
import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.simulator.AllocationPolicy;
import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.HubCounters;
import io.kuradps.simulator.HubCounters.EventKind;
import io.kuradps.simulator.TelemetryMessage;

/**
 * The hub link over time: a token renewed before it expires without losing a message the transport had accepted; a
 * reboot whose snapshot holds an expired token; a hub that stops accepting the device, which then moves to the hub
 * DPS assigns next, and Kura's snapshot with it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HubLinkLifecycleIT extends SimulatedHubSupport {

    /** The shortest lifetime the hub link takes (HubConnectionConfig), renewed at half of it. */
    private static final int TOKEN_LIFETIME_SECONDS = 10;
    private static final int RENEWAL_PERCENT = 50;
    private static final int MESSAGES_PER_PHASE = 3;
    /**
     * Bounds the wait for the third refused CONNECT in a row: the hub link tries again 1 to 3 s after the loss, then
     * within windows of 5 s and 10 s (bundle/README.md, "Waits"), so the third comes at most about 18 s after the
     * connection was lost.
     */
    private static final Duration THREE_REFUSALS = Duration.ofSeconds(75);

    @Test
    public void aTokenIsRenewedBeforeItExpiresAndNoMessageTheTransportAcceptedIsLost() throws Exception {
        String id = "gw-hub-renewal";
        String key = enrollIndividual(id, HUB_A);
        // The stack made beforehand, so the test hears its DataService from the first connection on.
        kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
        DataService dataService = kuraService(DataService.class, RAW_DATA_SERVICE_PID);
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger established = new AtomicInteger();
        AtomicBoolean renewing = new AtomicBoolean();
        // Handed to the DataService while the renewal takes the connection down: the store must keep them.
        DataServiceListener publishWhileDisconnecting = new DataServiceListenerAdapter() {
            @Override
            public void onConnectionEstablished() {
                established.incrementAndGet();
            }

            @Override
            public void onDisconnecting() {
                if (established.get() > 0 && renewing.compareAndSet(false, true)) {
                    publish(dataService, id, "during", accepted);
                }
            }
        };
        dataService.addDataServiceListener(publishWhileDisconnecting);
        Map<String, Object> settings = new HashMap<>();
        settings.put("token.lifetime.seconds", TOKEN_LIFETIME_SECONDS);
        settings.put("token.renewal.percent", RENEWAL_PERCENT);
        long firstExpiry;
        Event renewed;
        try {
            provisionThenLink(individual(id, key), id, settings);
            firstExpiry = (Long) awaitHubEvent(TOPIC_CONFIGURED, id).getProperty(TOKEN_EXPIRY);
            awaitHubEvent(TOPIC_CONNECTED, id);
            publish(dataService, id, "before", accepted);
            renewed = awaitHubEvent(TOPIC_TOKEN_RENEWED, id);
            Await.until("the renewal took the DataService's connection down", STEP, renewing::get);
            publish(dataService, id, "after", accepted);
        } finally {
            dataService.removeDataServiceListener(publishWhileDisconnecting);
        }

        HubCounters hub = simulator.hub().counters();
        assertTrue("every message reached the hub; it saw " + hub.events(id),
                Await.within(STEP, () -> payloads(hub.telemetryMessages(id)).containsAll(accepted)));
        assertEquals("messages accepted by the DataService", 3 * MESSAGES_PER_PHASE, accepted.size());
        long renewedExpiry = (Long) renewed.getProperty(TOKEN_EXPIRY);
        assertTrue("the renewed token expires later", renewedExpiry > firstExpiry);
        assertTrue("the renewal came before the first token expired",
                (Long) renewed.getProperty(TIMESTAMP) < firstExpiry);
        String token = new String(((Password) kuraConfiguration(RAW_TRANSPORT_PID).get("password")).getPassword());
        assertTrue("the transport holds a token newer than the first: " + token.substring(token.indexOf("&se=")),
                Long.parseLong(token.substring(token.indexOf("&se=") + 4)) * 1000 > firstExpiry);
        assertEquals("sessions the hub closed for an expired token", 0, hub.count(id, EventKind.TOKEN_EXPIRED));
        // The DataService may still send on the old session what it was handed while disconnecting; the new one follows.
        assertTrue("the hub admitted the renewed token on a new connection",
                hub.await(id, EventKind.CONNECTED, 2, STEP));
        long connects = hub.count(id, EventKind.CONNECTED);
        System.out.println("[figures] " + KuraStack.NAME + ": hub connections for the first token and "
                + (connects - 1) + " renewal(s) so far: " + connects + " (one reconnect per renewal expected)");
    }

    @Test
    public void aRebootWhoseSnapshotHoldsAnExpiredTokenWritesAFreshOneBeforeConnecting() throws Exception {
        String id = "gw-hub-reboot";
        String key = enrollIndividual(id, HUB_A);
        provisionThenLink(individual(id, key), id, Collections.emptyMap());
        awaitHubEvent(TOPIC_CONNECTED, id);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"boot\":1}");
        String expired = HubTokens.deviceToken(HUB_A, id, key, Instant.now().minusSeconds(60));

        GatewayReboot.reboot(context, configurationAdmin, () -> {
            // The gateway has been off longer than the token lived: its snapshot holds the token of that day.
            kuraService(DataService.class, RAW_DATA_SERVICE_PID).disconnect(0);
            Map<String, Object> stale = new HashMap<>();
            stale.put("password", new Password(expired));
            configurationService().updateConfiguration(RAW_TRANSPORT_PID, stale, true);
            assertEquals("the newest snapshot holds the expired token", expired,
                    new String(((Password) newestSnapshotOf(RAW_TRANSPORT_PID).get("password")).getPassword()));
        });
        kuraWebConsoleStarts();

        Event configured = awaitHubEvent(TOPIC_CONFIGURED, id);
        assertTrue("a fresh token was written at once",
                (Long) configured.getProperty(TOKEN_EXPIRY) > System.currentTimeMillis());
        awaitHubEvent(TOPIC_CONNECTED, id);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"boot\":2}");
        assertEquals("CONNECTs the hub refused (the stale token never reached it)", 0,
                simulator.hub().counters().count(id, EventKind.REFUSED));
        assertTrue("the hub admitted the device again after the reboot",
                simulator.hub().counters().count(id, EventKind.CONNECTED) >= 2);
    }

    @Test
    public void aHubThatNoLongerKnowsTheDeviceMakesItReprovisionAndTheTransportAndSnapshotFollowToTheNewHub()
            throws Exception {
        String id = "gw-hub-moved";
        String key = newKey();
        // DPS assigns the hubs in turn: hub A at the first registration, hub B at the next.
        simulator.enrollments().put(Enrollment.individual(id, Attestation.symmetricKey(key))
                .withIotHubs(HUB_A, HUB_B).withAllocationPolicy(AllocationPolicy.ROUND_ROBIN));
        provisionThenLink(individual(id, key).set("reprovision.policy", "on-hub-error"), id, Collections.emptyMap());
        assertEquals(HUB_A, awaitHubEvent(TOPIC_CONNECTED, id).getProperty(ASSIGNED_HUB));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"on\":\"a\"}");

        assertTrue(simulator.hub().registry().delete(HUB_A, id));

        // Each refusal is reported; the third in a row, after the hub link's retry pauses, makes it ask DPS again.
        Event refused = hubEvents.await(TOPIC_REFUSED, e -> id.equals(e.getProperty(DEVICE_ID))
                && Boolean.TRUE.equals(e.getProperty(REPROVISIONING)), THREE_REFUSALS);
        assertEquals(HUB_A, refused.getProperty(ASSIGNED_HUB));
        events.await(TOPIC_ASSIGNED, e -> id.equals(e.getProperty(REGISTRATION_ID))
                && HUB_B.equals(e.getProperty(ASSIGNED_HUB)), STEP);
        assertEquals(HUB_B, awaitHubEvent(TOPIC_CONNECTED, id).getProperty(ASSIGNED_HUB));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"on\":\"b\"}");
        List<HubCounters.Event> seen = simulator.hub().counters().events(id);
        assertEquals("the last telemetry went to", HUB_B, seen.get(seen.size() - 1).hub());
        assertEquals("the newest snapshot names the new hub", "mqtts://" + HUB_B + ":8883/",
                newestSnapshotOf(RAW_TRANSPORT_PID).get("broker-url"));
    }

    private static void publish(DataService dataService, String deviceId, String phase, List<String> accepted) {
        for (int i = 1; i <= MESSAGES_PER_PHASE; i++) {
            String payload = "{\"" + phase + "\":" + i + "}";
            try {
                dataService.publish("devices/" + deviceId + "/messages/events/",
                        payload.getBytes(StandardCharsets.UTF_8), 1, false, 5);
            } catch (KuraStoreException e) {
                throw new AssertionError("the DataService refused " + payload, e);
            }
            accepted.add(payload);
        }
    }

    private static List<String> payloads(List<TelemetryMessage> messages) {
        List<String> payloads = new ArrayList<>();
        for (TelemetryMessage message : messages) {
            payloads.add(message.payloadText());
        }
        return payloads;
    }

    /** A DataServiceListener that hears nothing unless told. */
    private static class DataServiceListenerAdapter implements DataServiceListener {
        @Override
        public void onConnectionEstablished() {
        }

        @Override
        public void onDisconnecting() {
        }

        @Override
        public void onDisconnected() {
        }

        @Override
        public void onConnectionLost(Throwable cause) {
        }

        @Override
        public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        }

        @Override
        public void onMessagePublished(int messageId, String topic) {
        }

        @Override
        public void onMessageConfirmed(int messageId, String topic) {
        }
    }
}
