package io.kuradps.itest;

import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.kuradps.simulator.HubCounters;
import io.kuradps.simulator.HubCounters.EventKind;

/**
 * The hub link on a Kura that does what real Kura 5.5 does (kura.md, "Measured in real Kura 5.5"): it writes every
 * tracked configuration again at each boot (fact 1), a keystore change closes every SSL transport and nothing
 * reconnects it (fact 3), and the raw stack's DataService has the metatype defaults (fact 7: 1 message/s).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HubLinkOnKuraIT extends SimulatedHubSupport {

    /** How long a connection must stay the only one to count as settled; Kura's boot re-write comes within 1.5 s. */
    private static final Duration QUIET = Duration.ofSeconds(5);
    /** Goal of issue 22 for a keystore change: CONNECTED again within 5 s; the simulator is faster than Azure. */
    private static final Duration RECONNECTED = Duration.ofSeconds(15);

    @Test
    public void aBootsIdenticalRewriteOfTheConfigurationCostsNoExtraConnection() throws Exception {
        String id = "gw-boot-rewrite";
        linkedAndConnected(id);
        HubCounters hub = simulator.hub().counters();
        long beforeTheBoot = hub.count(id, EventKind.CONNECTED);

        GatewayReboot.reboot(context, configurationAdmin);
        kuraWebConsoleStarts();

        awaitConnected(id, STEP);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"boot\":2}");
        boolean another = hub.await(id, EventKind.CONNECTED, beforeTheBoot + 2, QUIET);
        long thisBoot = hub.count(id, EventKind.CONNECTED) - beforeTheBoot;
        System.out.println("[figures] " + KuraStack.NAME + ": hub connections at a boot (the re-write included): "
                + thisBoot + "; the hub saw " + hub.events(id));
        assertFalse("connections at one boot: " + thisBoot + " (one expected); the hub saw " + hub.events(id)
                + "; the hub link said " + hubEvents.seen(), another);
        assertEquals("connections at one boot", 1, thisBoot);
    }

    @Test
    public void aKeystoreChangeWhileConnectedIsFollowedByConnectedAgainAndTheMessageIsAccepted() throws Exception {
        String id = "gw-keystore-change";
        linkedAndConnected(id);

        // What Kura's certificate page does: a trusted certificate added to the transport's keystore.
        addTrustedCertificate(kuraService(KeystoreService.class, KEYSTORE_PID), "added-by-the-operator");

        awaitConnected(id, RECONNECTED);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"after\":1}");
    }

    /** Every SslManagerService tells every transport: a keystore the transport does not use cuts it too. */
    @Test
    public void aChangeOfAKeystoreTheTransportDoesNotUseIsFollowedByConnectedAgain() throws Exception {
        String id = "gw-other-keystore";
        ConfigurationService configurationService = configurationService();
        String otherKeystore = "OtherKeystore";
        Map<String, Object> keystore = new HashMap<>();
        keystore.put("keystore.path", workDirectory.resolve("other.ks").toString());
        configurationService.createFactoryConfiguration(KEYSTORE_FACTORY_PID, otherKeystore, keystore, false);
        configurationService.createFactoryConfiguration(SSL_MANAGER_PID, otherKeystore + "-Ssl",
                Collections.singletonMap("KeystoreService.target", "(kura.service.pid=" + otherKeystore + ")"), false);
        try {
            linkedAndConnected(id);

            addTrustedCertificate(kuraService(KeystoreService.class, otherKeystore), "unrelated");

            awaitConnected(id, RECONNECTED);
            publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"after\":1}");
        } finally {
            configurationService.deleteFactoryConfiguration(otherKeystore + "-Ssl", false);
            configurationService.deleteFactoryConfiguration(otherKeystore, false);
        }
    }

    /**
     * Kura's DataService metatype holds telemetry to 1 message/s, burst 1 (the raw stack's defaults): IoT Hub takes
     * far more from one device, so the stack the hub link creates must not keep those.
     */
    @Test
    public void theStackTheHubLinkCreatesLetsMoreThanOneMessageASecondThrough() throws Exception {
        String id = "gw-rate";
        String key = enrollIndividual(id, HUB_A);
        provisionThenLink(individual(id, key), id, Collections.emptyMap());
        awaitConnected(id, STEP);

        Map<String, Object> dataService = kuraConfiguration(RAW_DATA_SERVICE_PID);
        boolean limited = !Boolean.FALSE.equals(dataService.get("enable.rate.limit"));
        double perSecond = ((Number) dataService.get("rate.limit.average")).doubleValue()
                * perSecondOf((String) dataService.get("rate.limit.time.unit"));
        assertTrue("the DataService the hub link created lets " + perSecond + " message(s)/s through (rate limit "
                + (limited ? "on" : "off") + ", burst " + dataService.get("rate.limit.burst.size") + ")",
                !limited || perSecond > 1);
    }

    private static double perSecondOf(String unit) {
        switch (unit) {
            case "MILLISECONDS":
                return 1000;
            case "SECONDS":
                return 1;
            case "MINUTES":
                return 1 / 60.0;
            case "HOURS":
                return 1 / 3600.0;
            default:
                return 1 / 86400.0;
        }
    }

    /** Enrolled, provisioned, the hub link enabled (symmetric key, defaults), CONNECTED and telemetry accepted. */
    private void linkedAndConnected(String id) throws Exception {
        String key = enrollIndividual(id, HUB_A);
        provisionThenLink(individual(id, key), id, Collections.emptyMap());
        awaitConnected(id, STEP);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"before\":1}");
    }

    private void awaitConnected(String id, Duration within) throws InterruptedException {
        hubEvents.await(TOPIC_CONNECTED, e -> id.equals(e.getProperty(DEVICE_ID)), within);
    }

    /** A trusted certificate entry, as Kura's certificate page adds one; Kura then posts a KeystoreChangedEvent. */
    private void addTrustedCertificate(KeystoreService keystore, String alias) throws Exception {
        Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
        keystore.setEntry(alias, new KeyStore.TrustedCertificateEntry(certificate));
    }
}
