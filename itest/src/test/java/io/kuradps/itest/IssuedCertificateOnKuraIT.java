package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.REGISTRATION_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.SOURCE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TOPIC_ASSIGNED;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.simulator.HubCounters;
import io.kuradps.simulator.HubCounters.EventKind;

/**
 * Issue 23 on a Kura that does what real Kura 5.5 does with certificates (kura.md, "Measured in real Kura 5.5"): its
 * MqttDataTransport comes up without a configuration when its SslManagerService is not there yet and does not build
 * one when it arrives (issue 23); its SslManagerService presents any key of its keystore; the SslManagerService
 * factory's truststore target matches nothing by default.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IssuedCertificateOnKuraIT extends SimulatedHubSupport {

    private static final String DEVICE_KEYSTORE_PID = "DeviceKeystore";
    private static final String ALIAS = "dps-device";
    /** The SslManagerService the hub link names after the keystore (bundle/README.md, "The hub link"). */
    private static final String ISSUED_SSL_MANAGER_PID = DEVICE_KEYSTORE_PID + "-SslManagerService";
    private static final String ISSUED_CERTIFICATE = "X.509, certificate issued by DPS";
    /** The hub link retries after pauses of 5 s, doubling (bundle/README.md): two of them fit in this. */
    private static final Duration RECONNECTED_AFTER_A_BOOT = Duration.ofSeconds(60);

    /**
     * The keystore and the SslManagerService the hub link made over it, deleted through Kura's ConfigurationService
     * (whose snapshot may have brought them back after a reboot), so the next test starts from a gateway that never
     * had them: the order in which the hub link creates them is the order of the snapshot.
     */
    @After
    public void deleteTheDeviceKeystore() throws Exception {
        ConfigurationService configurationService = configurationService();
        for (String pid : new String[] { ISSUED_SSL_MANAGER_PID, DEVICE_KEYSTORE_PID }) {
            if (configurationService.getConfigurableComponentPids().contains(pid)) {
                configurationService.deleteFactoryConfiguration(pid, true);
            }
        }
    }

    /**
     * The keystore an integrator names in {@code certificate.keystore.service.pid}, created as the real-Kura harness
     * creates it: through Kura's ConfigurationService, over a file that does not exist (Kura's keystore makes it).
     */
    private void createTheDeviceKeystore(boolean withTheHubsCa) throws Exception {
        Map<String, Object> keystore = new HashMap<>();
        keystore.put("keystore.path", workDirectory.resolve("dps-cert.ks").toString());
        configurationService().createFactoryConfiguration(KEYSTORE_FACTORY_PID, DEVICE_KEYSTORE_PID, keystore, true);
        if (withTheHubsCa) {
            kuraService(KeystoreService.class, DEVICE_KEYSTORE_PID).setEntry(
                    "dps-simulator-ca", new KeyStore.TrustedCertificateEntry(CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(
                                    simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII)))));
        }
    }

    /**
     * The hub's CA only where Kura keeps its trust, in {@code SSLKeystore} (what {@code azure.root.cas} and Kura's
     * certificate page fill): the SslManagerService the hub link creates must trust it too.
     */
    @Test
    public void theSslManagerTheHubLinkCreatesTrustsWhatKurasSslKeystoreTrusts() throws Exception {
        String id = "gw-cert-trust";
        String key = enrollIndividual(id, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));
        createTheDeviceKeystore(false);

        provisionThenLink(individual(id, key).requestingACertificate(DEVICE_KEYSTORE_PID, ALIAS), id,
                Collections.emptyMap());

        awaitAdmittedByTheIssuedCertificate(id, 1, STEP);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "trusted");
    }

    /**
     * After a reboot Kura's transport comes up before the SslManagerService the hub link made over the certificate's
     * keystore (the snapshot lists the stack first), so it has no configuration; nobody writes the transport.
     */
    @Test
    public void anIssuedCertificateGatewayIsConnectedAgainAfterARebootWithoutAnyoneTouchingIt() throws Exception {
        String id = "gw-cert-reboot";
        connectedByAnIssuedCertificate(id, UnaryOperator.identity());

        GatewayReboot.reboot(context, configurationAdmin);
        kuraWebConsoleStarts();

        awaitAdmittedByTheIssuedCertificate(id, 2, RECONNECTED_AFTER_A_BOOT);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "boot 2");
    }

    /**
     * {@code reprovision.policy=every-start}: the boot's registration makes a pending key beside the one in force,
     * while the hub link connects with the cached certificate. Kura's SslManagerService presents any key of the
     * keystore, so the pending one must never be where the transport's SslManagerService can present it.
     */
    @Test
    public void thePendingKeyIsNeverPresentedToTheHub() throws Exception {
        String id = "gw-cert-pending";
        Event first = connectedByAnIssuedCertificate(id, c -> c.set("reprovision.policy", "every-start"));

        GatewayReboot.reboot(context, configurationAdmin);
        kuraWebConsoleStarts();

        Event renewed = events.await(TOPIC_ASSIGNED,
                e -> id.equals(e.getProperty(REGISTRATION_ID))
                        && "dps".equals(e.getProperty(SOURCE)),
                STEP);
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), renewed.getProperty(CERTIFICATE_FINGERPRINT));
        awaitAdmittedByTheIssuedCertificate(id, 2, RECONNECTED_AFTER_A_BOOT);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "boot 2");
        HubCounters hub = simulator.hub().counters();
        assertEquals("connections the hub refused; it saw " + hub.events(id), 0, hub.count(id, EventKind.REFUSED));
    }

    /**
     * Enrolled with certificate issuance, the keystore holding the hub's CA, provisioned (the configuration as
     * {@code more} makes it), the hub link enabled, admitted by the issued certificate and telemetry accepted.
     *
     * @return the assignment
     */
    private Event connectedByAnIssuedCertificate(String id, UnaryOperator<DpsProvisionerConfiguration> more)
            throws Exception {
        String key = enrollIndividual(id, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));
        createTheDeviceKeystore(true);
        Event assigned = provisionThenLink(more.apply(individual(id, key).requestingACertificate(DEVICE_KEYSTORE_PID,
                ALIAS)), id, Collections.emptyMap());
        awaitAdmittedByTheIssuedCertificate(id, 1, STEP);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "boot 1");
        return assigned;
    }

    /** Fails with what the hub saw and the hub link said by then. */
    private void awaitAdmittedByTheIssuedCertificate(String id, long times, Duration within) throws Exception {
        if (!Await.within(within, () -> simulator.hub().counters().events(id).stream()
                .filter(e -> e.kind() == EventKind.CONNECTED && e.detail().endsWith(ISSUED_CERTIFICATE))
                .count() >= times)) {
            fail(id + " was not admitted by the issued certificate " + times + " time(s) within " + within
                    + "; the hub saw " + simulator.hub().counters().events(id) + "; the hub link said "
                    + hubEvents.seenSoFar());
        }
    }
}
