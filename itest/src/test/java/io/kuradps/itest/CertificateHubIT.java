package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_KEYSTORE_PID;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.system.SystemService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.provisioning.api.ProvisioningEvents;
import io.kuradps.simulator.HubCounters;

/**
 * Issue 12's last step on a gateway with Kura's ConfigurationService, SslManagerService and raw MQTT cloud connection
 * (runtime-support's stand-ins): a symmetric-key enrollment with a credential policy gets its certificate, the
 * operator enables the hub link and does nothing else, and the simulated hub accepts the gateway's telemetry
 * authenticated by that certificate; the hub link made the SslManagerService over the certificate's keystore itself.
 * With nothing typed, the provisioner made the keystores too (issue 23), and they come back with Kura's snapshot at a
 * reboot, after which the gateway connects again by itself. A renewal is no hub move: the transport keeps its values,
 * nobody asks DPS for anything but the renewal, and the hub never sees the pending key.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CertificateHubIT extends SimulatedHubSupport {

    private static final String DEVICE_KEYSTORE_PID = "DeviceKeystore";
    /** The SslManagerService the hub link names after the keystore (bundle/README.md, "The hub link"). */
    private static final String ISSUED_SSL_MANAGER_PID = DEVICE_KEYSTORE_PID + "-SslManagerService";
    private static final String ALIAS = "dps-device";
    private static final String ISSUED_CERTIFICATE = "X.509, certificate issued by DPS";

    /** What the provisioner creates when nothing is typed (bundle/README.md, "Certificate issuance"). */
    private static final String DEFAULT_KEYSTORE_PID = "KuraDpsKeystore";
    private static final String PENDING_KEYSTORE_PID = "KuraDpsPendingKeystore";
    private static final String DEFAULT_ALIAS = "kura-dps-device";

    /**
     * The keystore an integrator names in {@code certificate.keystore.service.pid}: empty but for the CA the hub's
     * server certificate chains to, as a gateway's must trust the hub's root (against Azure, {@code azure.root.cas}
     * adds those).
     */
    @Before
    public void createTheDeviceKeystore() throws Exception {
        KeyStore keystore = FileKeystoreInstance.empty();
        keystore.setCertificateEntry("dps-simulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII))));
        FileKeystoreInstance.create(configurationAdmin,
                workDirectory.resolve("device-keystore.p12"), keystore, DEVICE_KEYSTORE_PID);
    }

    /** The device keystore of the test, and those the provisioner created, so the next test starts without them. */
    @After
    public void deleteTheKeystores() throws Exception {
        // A reboot restores the keystore from Kura's snapshot under a new configuration, deleting the one made here.
        org.osgi.service.cm.Configuration[] deviceKeystores = configurationAdmin.listConfigurations(
                "(" + ConfigurationService.KURA_SERVICE_PID + "=" + DEVICE_KEYSTORE_PID + ")");
        for (org.osgi.service.cm.Configuration deviceKeystore : deviceKeystores == null
                ? new org.osgi.service.cm.Configuration[0] : deviceKeystores) {
            deviceKeystore.delete();
        }
        ConfigurationService configurationService = configurationService();
        Path kuraData = Paths.get(kuraService(SystemService.class, null).getKuraDataDirectory());
        for (String pid : new String[] { DEFAULT_KEYSTORE_PID, PENDING_KEYSTORE_PID }) {
            if (configurationService.getConfigurableComponentPids().contains(pid)) {
                configurationService.deleteFactoryConfiguration(pid, true);
            }
            Files.deleteIfExists(kuraData.resolve("kura-dps").resolve(pid + ".ks"));
        }
    }

    /**
     * Issuance from an empty configuration: the operator sets the DPS fields, ticks "Request a certificate", enables
     * the hub link. The provisioner creates both keystores through Kura's ConfigurationService, Kura creates their files
     * and chooses their passwords, and the hub accepts the device by the certificate issued into the one it made.
     * Needs from the stand-ins what Kura does: a file keystore created for a missing file, with a random password.
     */
    @Test
    public void withNothingTypedTheProvisionerMakesTheKeystoresAndTheHubAcceptsTheIssuedCertificate()
            throws Exception {
        String deviceId = "gw-nothing-typed";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        Event assigned = provisionThenLink(individual(deviceId, key).set("certificate.issuance", true), deviceId,
                Collections.emptyMap());

        assertEquals(DEFAULT_KEYSTORE_PID, assigned.getProperty(CERTIFICATE_KEYSTORE_PID));
        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "nothing typed");
        Path kuraData = Paths.get(kuraService(SystemService.class, null).getKuraDataDirectory());
        for (String pid : new String[] { DEFAULT_KEYSTORE_PID, PENDING_KEYSTORE_PID }) {
            Path file = kuraData.resolve("kura-dps").resolve(pid + ".ks");
            assertEquals(pid, file.toString(), kuraConfiguration(pid).get("keystore.path"));
            assertTrue(pid + ": Kura's factory made the keystore file", Files.size(file) > 0);
        }
        assertEquals("the certificate's keystore holds the key in force only", Collections.singletonList(
                DEFAULT_ALIAS), kuraService(KeystoreService.class, DEFAULT_KEYSTORE_PID).getAliases());
        assertEquals(Collections.emptyList(), kuraService(KeystoreService.class, PENDING_KEYSTORE_PID).getAliases());
        assertEquals("(kura.service.pid=" + DEFAULT_KEYSTORE_PID + "-SslManagerService)",
                kuraConfiguration(RAW_TRANSPORT_PID).get("SslManagerService.target"));
    }

    /**
     * A reboot: Kura restores the keystores, the SslManagerService and the transport from its snapshot, the
     * provisioner its assignment from the cache, and the gateway is connected again by the issued certificate with
     * nobody touching it, and without asking DPS.
     */
    @Test
    public void aRebootReconnectsByTheIssuedCertificateWithoutAskingDps() throws Exception {
        String deviceId = "gw-cert-reboot";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));
        provisionThenLink(individual(deviceId, key).set("certificate.issuance", true), deviceId,
                Collections.emptyMap());
        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        long registers = simulator.counters().count(deviceId, io.kuradps.simulator.Counters.EventKind.REGISTER);

        GatewayReboot.reboot(context, configurationAdmin);
        kuraWebConsoleStarts();

        assertEquals("cache", awaitAssigned(deviceId).getProperty(ProvisioningEvents.SOURCE));
        awaitConnectedByTheIssuedCertificate(deviceId, 2);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "after the reboot");
        assertEquals(registers, simulator.counters().count(deviceId, io.kuradps.simulator.Counters.EventKind.REGISTER));
    }

    /**
     * {@code reprovision.policy=every-start}: each start registers again, with a new key, while the certificate in
     * force is presented; the new key waits elsewhere, so the hub never refuses the device for it.
     */
    @Test
    public void everyStartRegistersAgainAndTheHubNeverSeesThePendingKey() throws Exception {
        String deviceId = "gw-cert-every-start";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));
        Event first = provisionThenLink(individual(deviceId, key).set("certificate.issuance", true)
                .set("reprovision.policy", "every-start"), deviceId, Collections.emptyMap());
        awaitConnectedByTheIssuedCertificate(deviceId, 1);

        GatewayReboot.reboot(context, configurationAdmin);
        kuraWebConsoleStarts();

        Event fresh = events.await(ProvisioningEvents.TOPIC_ASSIGNED, e -> deviceId.equals(e.getProperty(
                ProvisioningEvents.REGISTRATION_ID)) && "dps".equals(e.getProperty(ProvisioningEvents.SOURCE)), STEP);
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), fresh.getProperty(CERTIFICATE_FINGERPRINT));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "after registering again");
        assertEquals("refusals: " + simulator.hub().counters().events(deviceId), 0,
                simulator.hub().counters().count(deviceId, HubCounters.EventKind.REFUSED));
    }

    @Test
    public void aSymmetricKeyEnrollmentEndsInAHubConnectionByTheIssuedCertificate() throws Exception {
        String deviceId = "gw-cert-hub";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        // The operator's one step after provisioning: enabled; every other field keeps its default (a raw MQTT stack
        // is created, no Azure roots: the simulator's CA is in the keystore already).
        provisionThenLink(individual(deviceId, key).requestingACertificate(DEVICE_KEYSTORE_PID, ALIAS), deviceId,
                Collections.emptyMap());

        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "first");

        Map<String, Object> transport = kuraConfiguration(RAW_TRANSPORT_PID);
        assertEquals("(kura.service.pid=" + ISSUED_SSL_MANAGER_PID + ")", transport.get("SslManagerService.target"));
        assertEquals(HUB_A + "/" + deviceId + "/?api-version=2021-04-12", transport.get("username"));
        Object password = transport.get("password");
        assertTrue("no password for X.509: " + (password == null ? "none" : "one of " + password.toString().length()
                + " characters"), password == null || password.toString().isEmpty());
        assertEquals("(kura.service.pid=" + DEVICE_KEYSTORE_PID + ")",
                kuraConfiguration(ISSUED_SSL_MANAGER_PID).get("KeystoreService.target"));
        assertTrue("the hub saw " + simulator.hub().counters().events(deviceId), simulator.hub().counters()
                .events(deviceId).stream().filter(e -> e.kind() == HubCounters.EventKind.CONNECTED)
                .allMatch(e -> e.detail().endsWith(ISSUED_CERTIFICATE)));
    }

    @Test
    public void aRenewedCertificateKeepsTheTransportAndAsksDpsForNothingElse() throws Exception {
        simulator.close();
        // Ten seconds of validity: the renewal point is halfway, five seconds after each assignment.
        simulator = startSimulator(b -> b.issuedCertificateValidity(Duration.ofSeconds(10)));
        trustTheSimulator(kuraService(KeystoreService.class, DEVICE_KEYSTORE_PID));
        // The hub link's SslManagerService takes its trust from where Kura keeps it (issue 23).
        trustTheSimulator(kuraService(KeystoreService.class, KEYSTORE_PID));
        String deviceId = "gw-cert-renewed";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        Event first = provisionThenLink(individual(deviceId, key).requestingACertificate(DEVICE_KEYSTORE_PID, ALIAS),
                deviceId, Collections.emptyMap());
        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "before the renewal");
        Map<String, Object> before = kuraConfiguration(RAW_TRANSPORT_PID);
        long connectsBefore = simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED);

        Event renewed = awaitAssigned(deviceId);
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), renewed.getProperty(CERTIFICATE_FINGERPRINT));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, deviceId, "after the renewal");

        Map<String, Object> after = kuraConfiguration(RAW_TRANSPORT_PID);
        for (String id : new String[] { "broker-url", "client-id", "username", "SslManagerService.target" }) {
            assertEquals(id, before.get(id), after.get(id));
        }
        assertTrue("no pending key in the keystore the transport presents from: " + kuraService(KeystoreService.class,
                DEVICE_KEYSTORE_PID).getAliases(), kuraService(KeystoreService.class, DEVICE_KEYSTORE_PID).getAliases()
                        .stream().noneMatch(alias -> alias.endsWith(".pending")));
        assertEquals("refusals (the pending key presented, say): " + simulator.hub().counters().events(deviceId), 0,
                simulator.hub().counters().count(deviceId, HubCounters.EventKind.REFUSED));
        List<Event> hubLinkEvents = hubEvents.recorded();
        assertTrue("no re-provisioning: " + hubEvents.seen(), hubLinkEvents.stream()
                .noneMatch(e -> Boolean.TRUE.equals(e.getProperty(HubConnectionEvents.REPROVISIONING))));
        System.out.println("CertificateHubIT: the hub admitted " + deviceId + " "
                + (simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED) - connectsBefore)
                + " more time(s) by 'after the renewal'; events: " + simulator.hub().counters().events(deviceId));
    }

    private void awaitConnectedByTheIssuedCertificate(String deviceId, long times) {
        Await.until(deviceId + " is admitted by the issued certificate " + times + " time(s); the hub saw "
                + simulator.hub().counters().events(deviceId) + ", the hub link said " + hubEvents.seen(), STEP,
                () -> simulator.hub().counters().events(deviceId).stream()
                        .filter(e -> e.kind() == HubCounters.EventKind.CONNECTED
                                && e.detail().endsWith(ISSUED_CERTIFICATE))
                        .count() >= times);
    }
}
