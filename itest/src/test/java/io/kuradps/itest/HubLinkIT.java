package io.kuradps.itest;

import static io.kuradps.provisioning.api.HubConnectionEvents.REASON;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_NO_TRANSPORT;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TLS_FAILED;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_TLS_SETUP;
import static io.kuradps.provisioning.api.HubConnectionEvents.REASON_UNUSABLE_DEVICE_ID;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_MISCONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_RETRYING;
import static io.kuradps.provisioning.api.HubConnectionEvents.TRANSPORT_PID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;

import io.kuradps.simulator.Attestation;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.Enrollment;
import io.kuradps.simulator.HubCounters.EventKind;

/**
 * The hub link from an empty gateway (only the provisioner and the hub link configured, no cloud connection) to
 * telemetry accepted by the hub DPS assigned: symmetric key (individual, group) and X.509; and what it refuses before
 * it touches a transport: a device id with a dot, a transport PID that does not exist when it may not create one.
 * Secrets stay out of ConfigAdmin, logs, events and the status.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HubLinkIT extends SimulatedHubSupport {

    private static final String API_VERSION = "2021-04-12";

    @Test
    public void anIndividualSymmetricKeyGatewayGoesFromAnEmptyConfigurationToTelemetryAcceptedByItsHub()
            throws Exception {
        String key = enrollIndividual("gw-hub-individual", HUB_A);
        provisionThenLink(individual("gw-hub-individual", key), "gw-hub-individual", Collections.emptyMap());

        Event configured = awaitHubEvent(TOPIC_CONFIGURED, "gw-hub-individual");
        assertEquals(HUB_A, configured.getProperty(ASSIGNED_HUB));
        assertEquals(RAW_TRANSPORT_PID, configured.getProperty(TRANSPORT_PID));
        assertTrue("the token expires in the future",
                (Long) configured.getProperty(TOKEN_EXPIRY) > System.currentTimeMillis());
        awaitHubEvent(TOPIC_CONNECTED, "gw-hub-individual");
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, "gw-hub-individual", "{\"individual\":1}");

        Map<String, Object> transport = kuraConfiguration(RAW_TRANSPORT_PID);
        assertEquals("mqtts://" + HUB_A + ":8883/", transport.get("broker-url"));
        assertEquals("gw-hub-individual", transport.get("client-id"));
        assertEquals(HUB_A + "/gw-hub-individual/?api-version=" + API_VERSION, transport.get("username"));
        assertEquals("true", String.valueOf(transport.get("clean-session")));
        assertEquals("no Will (IoT Hub takes none on the raw stack's topics)", "",
                String.valueOf(transport.getOrDefault("lwt.topic", "")));
        assertPasswordOnlyEncryptedInConfigAdmin(RAW_TRANSPORT_PID);
        String status = dpsStatus();
        assertTrue("dps:status shows the hub link: " + status,
                status.contains("Hub link: ") && status.contains(HUB_A) && status.contains("gw-hub-individual"));
        assertEquals("the newest snapshot names the hub", "mqtts://" + HUB_A + ":8883/",
                newestSnapshotOf(RAW_TRANSPORT_PID).get("broker-url"));
    }

    @Test
    public void aGroupEnrollmentConnectsWithTheDerivedKey() throws Exception {
        String groupKey = newKey();
        simulator.enrollments().put(Enrollment.group("hub-fleet", Attestation.symmetricKey(groupKey))
                .withIotHubs(HUB_B));
        provisionThenLink(configuration(simulator).symmetricKey("gw-hub-member", "group", groupKey), "gw-hub-member",
                Collections.emptyMap());

        assertEquals(HUB_B, awaitHubEvent(TOPIC_CONNECTED, "gw-hub-member").getProperty(ASSIGNED_HUB));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, "gw-hub-member", "{\"member\":1}");
        assertEquals("the hub checked the token against the derived key", HUB_B,
                simulator.hub().counters().events("gw-hub-member").get(0).hub());
    }

    /**
     * X.509: what bundle/README.md ("The hub link", X.509) asks of the integrator: a dedicated SslManagerService
     * whose keystore holds only the device's key and chain (and the hub's root CA), named by the transport's
     * SslManagerService.target; the provisioner takes the key from that keystore too.
     */
    @Test
    public void anX509GatewayConnectsWithItsCertificateThroughADedicatedSslManagerService() throws Exception {
        DeviceIdentity device = simulator.issueDeviceCertificate("gw-hub-x509");
        simulator.enrollments().put(Enrollment.individual("gw-hub-x509", Attestation.x509(device.certificatePem()))
                .withIotHubs(HUB_A));
        ConfigurationService configurationService = configurationService();
        createDeviceSslManager(configurationService, device);
        try {
            kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
            Map<String, Object> target = new HashMap<>();
            target.put("SslManagerService.target", "(kura.service.pid=" + DEVICE_SSL_MANAGER_PID + ")");
            configurationService.updateConfiguration(RAW_TRANSPORT_PID, target, false);
            // The provisioner takes the same key from there (step 4 of the README).
            provisionThenLink(configuration(simulator).set("registration.id", "gw-hub-x509").set("attestation", "x509")
                    .set("x509.keystore.service.pid", DEVICE_KEYSTORE_PID).set("x509.keystore.alias", DEVICE_KEY_ALIAS),
                    "gw-hub-x509", Collections.emptyMap());

            awaitHubEvent(TOPIC_CONNECTED, "gw-hub-x509");
            publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, "gw-hub-x509", "{\"x509\":1}");
            assertTrue("the hub admitted the device by its certificate: " + simulator.hub().counters()
                    .events("gw-hub-x509"), simulator.hub().counters().events("gw-hub-x509").stream()
                    .anyMatch(e -> e.kind() == EventKind.CONNECTED && e.detail() != null
                            && e.detail().contains("X.509")));
            Object password = kuraConfiguration(RAW_TRANSPORT_PID).get("password");
            assertFalse("no token for X.509", password != null
                    && new String(((Password) password).getPassword()).startsWith("SharedAccessSignature"));
        } finally {
            // The stack first: its transport is bound to the dedicated SslManagerService.
            deleteCloudConnections();
            configurationService.deleteFactoryConfiguration(DEVICE_SSL_MANAGER_PID, false);
            configurationService.deleteFactoryConfiguration(DEVICE_KEYSTORE_PID, true);
        }
    }

    /**
     * Issue 23: an X.509 enrollment with nothing typed but the keystore that holds the device key: the hub link makes
     * the SslManagerService over it and points the transport at it, trusting what Kura's SSLKeystore trusts, so a CA
     * added there later (as Kura's certificate page adds it) is trusted from then on.
     */
    @Test
    public void anX509EnrollmentConnectsWithNothingTypedButItsKeystoreAndTrustsWhatSslKeystoreTrusts()
            throws Exception {
        String id = "gw-hub-x509-keystore";
        ConfigurationService configurationService = configurationService();
        createDeviceKeystore(configurationService, enrolledByX509OnHubA(id), false);
        KeystoreService sslKeystore = kuraService(KeystoreService.class, KEYSTORE_PID);
        distrustTheSimulator(sslKeystore);
        try {
            provisionThenLink(x509FromTheDeviceKeystore(id), id, Collections.emptyMap());

            Event untrusted = hubEvents.await(TOPIC_RETRYING, e -> id.equals(e.getProperty(DEVICE_ID))
                    && REASON_TLS_FAILED.equals(e.getProperty(REASON)), STEP);
            assertTrue("the TLS failure names where the trust is kept: " + untrusted.getProperty(ERROR_MESSAGE),
                    String.valueOf(untrusted.getProperty(ERROR_MESSAGE)).contains("SSLKeystore"));
            trustTheSimulator(sslKeystore);
            awaitHubEvent(TOPIC_CONNECTED, id);
            publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, id, "{\"x509\":2}");

            assertTrue("the hub admitted the device by its certificate: " + simulator.hub().counters().events(id),
                    simulator.hub().counters().events(id).stream().anyMatch(e -> e.kind() == EventKind.CONNECTED
                            && e.detail() != null && e.detail().contains("X.509")));
            assertEquals("(kura.service.pid=" + ENROLLMENT_SSL_MANAGER_PID + ")",
                    kuraConfiguration(RAW_TRANSPORT_PID).get("SslManagerService.target"));
            Map<String, Object> sslManager = kuraConfiguration(ENROLLMENT_SSL_MANAGER_PID);
            assertEquals("(kura.service.pid=" + DEVICE_KEYSTORE_PID + ")", sslManager.get("KeystoreService.target"));
            assertEquals("(kura.service.pid=" + KEYSTORE_PID + ")", sslManager.get("TruststoreKeystoreService.target"));
        } finally {
            trustTheSimulator(sslKeystore);
            deleteCloudConnections();
            if (configurationService.getConfigurableComponentPids().contains(ENROLLMENT_SSL_MANAGER_PID)) {
                configurationService.deleteFactoryConfiguration(ENROLLMENT_SSL_MANAGER_PID, false);
            }
            configurationService.deleteFactoryConfiguration(DEVICE_KEYSTORE_PID, true);
        }
    }

    /** Kura's SslManagerService presents any key of its keystore: one with another key beside the device's is refused. */
    @Test
    public void anX509EnrollmentKeystoreHoldingAnotherKeyIsRefusedByNameAndNothingIsMadeOverIt() throws Exception {
        String id = "gw-hub-x509-shared";
        ConfigurationService configurationService = configurationService();
        createDeviceKeystore(configurationService, enrolledByX509OnHubA(id), true);
        try {
            provisionThenLink(x509FromTheDeviceKeystore(id), id, Collections.emptyMap());

            Event refused = awaitHubEvent(TOPIC_MISCONFIGURED, id);
            assertEquals(REASON_TLS_SETUP, refused.getProperty(REASON));
            String message = (String) refused.getProperty(ERROR_MESSAGE);
            assertTrue("the refusal names the keystore, its keys and the field: " + message,
                    message.contains(DEVICE_KEYSTORE_PID) && message.contains("holds 2 keys")
                            && message.contains(DEVICE_KEY_ALIAS) && message.contains("other")
                            && message.contains("x509.keystore.service.pid"));
            assertFalse("no SslManagerService made over it",
                    configurationService.getConfigurableComponentPids().contains(ENROLLMENT_SSL_MANAGER_PID));
            assertEquals("connections the hub saw", 0, simulator.hub().counters().connections());
        } finally {
            deleteCloudConnections();
            configurationService.deleteFactoryConfiguration(DEVICE_KEYSTORE_PID, true);
        }
    }

    /** A device certificate the simulator issued, enrolled individually on hub A. */
    private DeviceIdentity enrolledByX509OnHubA(String registrationId) {
        DeviceIdentity device = simulator.issueDeviceCertificate(registrationId);
        simulator.enrollments().put(Enrollment.individual(registrationId, Attestation.x509(device.certificatePem()))
                .withIotHubs(HUB_A));
        return device;
    }

    private DpsProvisionerConfiguration x509FromTheDeviceKeystore(String registrationId) {
        return configuration(simulator).set("registration.id", registrationId).set("attestation", "x509")
                .set("x509.keystore.service.pid", DEVICE_KEYSTORE_PID).set("x509.keystore.alias", DEVICE_KEY_ALIAS);
    }

    @Test
    public void aDeviceIdWithADotIsRefusedWithTheReasonAndTheTransportIsNotTouched() throws Exception {
        String key = enrollIndividual("gw-hub-dot", e -> e.withDeviceId("gw.hub.dot").withIotHubs(HUB_A));
        kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
        Map<String, Object> before = kuraConfiguration(RAW_TRANSPORT_PID);
        provisionThenLink(individual("gw-hub-dot", key), "gw-hub-dot", Collections.emptyMap());

        Event refused = awaitHubEvent(TOPIC_MISCONFIGURED, "gw.hub.dot");
        assertEquals(REASON_UNUSABLE_DEVICE_ID, refused.getProperty(REASON));
        String message = (String) refused.getProperty(ERROR_MESSAGE);
        assertTrue("the refusal says why: " + message, message.contains("gw.hub.dot") && message.contains("."));
        assertTrue("and that Kura rewrites it in the client id: " + message,
                message.toLowerCase().contains("client id"));
        assertEquals("the transport's configuration", comparable(before),
                comparable(kuraConfiguration(RAW_TRANSPORT_PID)));
        assertEquals("connections the hub saw", 0, simulator.hub().counters().connections());
    }

    @Test
    public void aTransportPidThatDoesNotExistYetIsCreatedAsARawMqttStack() throws Exception {
        String transportPid = RAW_TRANSPORT_PID + "-hub";
        provisionAndLink("gw-hub-create", transportPid, true);

        assertEquals(transportPid, awaitHubEvent(TOPIC_CONNECTED, "gw-hub-create").getProperty(TRANSPORT_PID));
        assertTrue("the raw MQTT stack was made through Kura's factory",
                kuraService(CloudConnectionFactory.class, null).getManagedCloudConnectionPids()
                        .contains(RAW_CLOUD_ENDPOINT_PID + "-hub"));
        publishAndAwaitAccepted(RAW_DATA_SERVICE_PID + "-hub", "gw-hub-create", "{\"created\":1}");
    }

    @Test
    public void aMissingTransportPidIsRefusedByNameWhenCreatingIsOff() throws Exception {
        String transportPid = RAW_TRANSPORT_PID + "-missing";
        provisionAndLink("gw-hub-missing", transportPid, false);

        Event refused = awaitHubEvent(TOPIC_MISCONFIGURED, "gw-hub-missing");
        assertEquals(REASON_NO_TRANSPORT, refused.getProperty(REASON));
        String message = (String) refused.getProperty(ERROR_MESSAGE);
        assertTrue("the refusal names the PID: " + message, message.contains(transportPid));
        assertFalse("nothing was created", configurationService().getConfigurableComponentPids()
                .contains(transportPid));
        assertEquals("connections the hub saw", 0, simulator.hub().counters().connections());
    }

    @Test
    public void theTokenAndTheKeyAreNeverClearInConfigAdminLogsEventsOrTheStatus() throws Exception {
        String key = enrollIndividual("gw-hub-secrets", HUB_A);
        String everything;
        String token;
        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            provisionThenLink(individual("gw-hub-secrets", key), "gw-hub-secrets", Collections.emptyMap());
            awaitHubEvent(TOPIC_CONNECTED, "gw-hub-secrets");
            publishAndAwaitAccepted(RAW_DATA_SERVICE_PID, "gw-hub-secrets", "{\"secrets\":1}");
            token = new String(((Password) kuraConfiguration(RAW_TRANSPORT_PID).get("password")).getPassword());
            everything = log.text() + "\n" + hubEvents.seen() + "\n" + events.seen() + "\n" + hubLinkState() + "\n"
                    + dpsStatus();
            assertTrue("the hub link's log lines reached the capture", log.text().contains("gw-hub-secrets"));
        }
        assertTrue("the transport's password is a device token", token.startsWith("SharedAccessSignature sr="));
        List<String> found = new ArrayList<>();
        String signature = token.substring(token.indexOf("sig=") + 4, token.indexOf("&se="));
        for (String secret : new String[] { key, token, signature, HubTokens.urlDecoded(signature), "sig=",
            "SharedAccessSignature" }) {
            if (everything.contains(secret)) {
                found.add(secret.substring(0, Math.min(6, secret.length())) + "...");
            }
        }
        assertEquals("secrets found in logs, events or the status", Collections.emptyList(), found);
        assertPasswordOnlyEncryptedInConfigAdmin(RAW_TRANSPORT_PID);
    }

    /** The names bundle/README.md ("The hub link", X.509) gives as examples. */
    private static final String DEVICE_KEYSTORE_PID = "HubDeviceKeystore";
    private static final String DEVICE_SSL_MANAGER_PID = "HubDeviceSsl";
    private static final String DEVICE_KEY_ALIAS = "device";
    /** The SslManagerService the hub link names after an X.509 enrollment's keystore (bundle/README.md). */
    private static final String ENROLLMENT_SSL_MANAGER_PID = DEVICE_KEYSTORE_PID + "-SslManagerService";

    /** An individual enrollment on hub A, provisioned, and the hub link enabled for that transport. */
    private void provisionAndLink(String registrationId, String transportPid, boolean create) throws Exception {
        String key = enrollIndividual(registrationId, HUB_A);
        Map<String, Object> settings = new HashMap<>();
        settings.put("transport.service.pid", transportPid);
        settings.put("transport.create", create);
        provisionThenLink(individual(registrationId, key), registrationId, settings);
    }

    /** A keystore holding the simulator's CA and only the device's key and chain, and its SslManagerService. */
    private void createDeviceSslManager(ConfigurationService configurationService, DeviceIdentity device)
            throws Exception {
        createDeviceKeystore(configurationService, device, false);
        trustTheSimulator(kuraService(KeystoreService.class, DEVICE_KEYSTORE_PID));
        Map<String, Object> sslManager = new HashMap<>();
        sslManager.put("KeystoreService.target", "(kura.service.pid=" + DEVICE_KEYSTORE_PID + ")");
        configurationService.createFactoryConfiguration(SSL_MANAGER_PID, DEVICE_SSL_MANAGER_PID, sslManager, false);
        kuraService(SslManagerService.class, DEVICE_SSL_MANAGER_PID);
    }

    /** A keystore holding the device's key and chain, and with {@code anotherKey} a second key beside it. */
    private void createDeviceKeystore(ConfigurationService configurationService, DeviceIdentity device,
            boolean anotherKey) throws Exception {
        KeyStore content = emptyKeystore();
        KeyStore deviceStore = device.keyStore();
        Key key = deviceStore.getKey(DeviceIdentity.ALIAS, device.password());
        content.setKeyEntry(DEVICE_KEY_ALIAS, key, KEYSTORE_PASSWORD, deviceStore.getCertificateChain(DeviceIdentity.ALIAS));
        if (anotherKey) {
            content.setKeyEntry("other", key, KEYSTORE_PASSWORD, deviceStore.getCertificateChain(DeviceIdentity.ALIAS));
        }
        Path file = workDirectory.resolve("device-keystore.ks");
        writeKeystore(file, content);
        Map<String, Object> keystore = new HashMap<>();
        keystore.put("keystore.path", file.toString());
        keystore.put("keystore.password",
                new String(kuraService(CryptoService.class, null).encryptAes(KEYSTORE_PASSWORD)));
        configurationService.createFactoryConfiguration(KEYSTORE_FACTORY_PID, DEVICE_KEYSTORE_PID, keystore, false);
        kuraService(KeystoreService.class, DEVICE_KEYSTORE_PID);
    }

    /** Password values as their text, which Kura's Password class does not compare by. */
    private static Map<String, Object> comparable(Map<String, Object> configuration) {
        Map<String, Object> result = new HashMap<>(configuration);
        result.replaceAll((id, value) -> value instanceof Password ? new String(((Password) value).getPassword())
                : value);
        return result;
    }

    private void assertPasswordOnlyEncryptedInConfigAdmin(String transportPid) throws Exception {
        String token = new String(((Password) kuraConfiguration(transportPid).get("password")).getPassword());
        Configuration[] stored = configurationAdmin.listConfigurations("(kura.service.pid=" + transportPid + ")");
        assertEquals("configurations of " + transportPid + " in ConfigAdmin", 1, stored.length);
        Object password = stored[0].getProperties().get("password");
        assertTrue("ConfigAdmin holds the password as an encrypted String", password instanceof String);
        assertFalse("ConfigAdmin holds the token in clear",
                ((String) password).contains("SharedAccessSignature") || ((String) password).contains("sig="));
        assertEquals("it decrypts to the token", token,
                new String(kuraService(CryptoService.class, null).decryptAes(((String) password).toCharArray())));
        assertNull("no other property holds the token", stored[0].getProperties().get("token"));
    }
}
