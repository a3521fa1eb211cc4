package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.ASSIGNED_HUB;
import static io.kuradps.provisioning.api.ProvisioningEvents.DEVICE_ID;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;

import io.kuradps.simulator.HubCounters.EventKind;

/**
 * The hub world itself, before any hub link: what an integrator types by hand into Kura's raw MQTT cloud connection
 * for the hub DPS assigned (kura.md, "Kura's own cloud connection"), written through Kura's ConfigurationService,
 * gets telemetry accepted by the simulator's hub, over MQTT and over WebSocket; ConfigAdmin holds the token only
 * encrypted; and a Kura reboot brings the transport back from the snapshot.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RawMqttTransportIT extends SimulatedHubSupport {

    private static final String API_VERSION = "2021-04-12";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final byte[] TELEMETRY = "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8);

    /** Where DPS put a device, and the key it signs its tokens with. */
    private static final class Provisioned {
        final String hub;
        final String deviceId;
        final String key;

        Provisioned(Event assigned, String key) {
            this.hub = (String) assigned.getProperty(ASSIGNED_HUB);
            this.deviceId = (String) assigned.getProperty(DEVICE_ID);
            this.key = key;
        }

        String telemetryTopic() {
            return "devices/" + deviceId + "/messages/events/";
        }
    }

    @Test
    public void aTransportWrittenByHandThroughKurasConfigurationServiceGetsTelemetryAcceptedByTheHub()
            throws Exception {
        Provisioned device = provision("gw-raw-mqtt");
        kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
        String token = writeTransport(device, "mqtts://" + device.hub + ":8883/", false);

        DataService dataService = kuraService(DataService.class, RAW_DATA_SERVICE_PID);
        dataService.connect();
        dataService.publish(device.telemetryTopic(), TELEMETRY, 1, false, 5);

        assertTrue("the hub accepted the telemetry",
                simulator.hub().counters().await(device.deviceId, EventKind.TELEMETRY, 1, STEP));
        assertEquals(device.hub, simulator.hub().counters().events(device.deviceId).get(0).hub());
        assertTokenOnlyEncryptedInConfigAdmin(token);
    }

    @Test
    public void theSameOverWebSocket() throws Exception {
        Provisioned device = provision("gw-raw-websocket");
        kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
        writeTransport(device, "wss://" + device.hub + ":443/$iothub/websocket", false);

        DataService dataService = kuraService(DataService.class, RAW_DATA_SERVICE_PID);
        dataService.connect();
        dataService.publish(device.telemetryTopic(), TELEMETRY, 1, false, 5);

        assertTrue("the hub accepted the telemetry over WebSocket",
                simulator.hub().counters().await(device.deviceId, EventKind.TELEMETRY, 1, STEP));
    }

    @Test
    public void aKuraRebootBringsTheTransportAndTheProvisionerBackFromTheSnapshot() throws Exception {
        Provisioned device = provision("gw-raw-reboot");
        kuraService(CloudConnectionFactory.class, null).createConfiguration(RAW_CLOUD_ENDPOINT_PID);
        String brokerUrl = "mqtts://" + device.hub + ":8883/";
        String token = writeTransport(device, brokerUrl, true);
        kuraService(DataService.class, RAW_DATA_SERVICE_PID).connect();

        GatewayReboot.reboot(context, configurationAdmin);

        // Nobody wrote the provisioner's configuration back: the snapshot did, and it publishes the cached hub.
        assertEquals(device.hub, awaitAssigned("gw-raw-reboot").getProperty(ASSIGNED_HUB));
        awaitTransportConfigured(brokerUrl);
        assertTokenOnlyEncryptedInConfigAdmin(token);
        DataService dataService = kuraService(DataService.class, RAW_DATA_SERVICE_PID);
        assertFalse("Kura's DataService does not connect by itself (auto-connect is off by default)",
                dataService.isConnected());
        dataService.connect();
        dataService.publish(device.telemetryTopic(), TELEMETRY, 1, false, 5);
        assertTrue("the hub accepted telemetry after the reboot",
                simulator.hub().counters().await(device.deviceId, EventKind.TELEMETRY, 1, STEP));
        assertEquals("connections the hub admitted", 2,
                simulator.hub().counters().count(device.deviceId, EventKind.CONNECTED));
    }

    private Provisioned provision(String registrationId) throws Exception {
        String key = enrollIndividual(registrationId, HUB_A);
        individual(registrationId, key).applyTo(configurationAdmin);
        return new Provisioned(awaitAssigned(registrationId), key);
    }

    /** What an integrator types into the transport for IoT Hub; returns the token written. */
    private String writeTransport(Provisioned device, String brokerUrl, boolean takeSnapshot) throws Exception {
        String token = HubTokens.deviceToken(device.hub, device.deviceId, device.key,
                Instant.now().plus(TOKEN_LIFETIME));
        Map<String, Object> properties = new HashMap<>();
        properties.put("broker-url", brokerUrl);
        properties.put("client-id", device.deviceId);
        properties.put("username", device.hub + "/" + device.deviceId + "/?api-version=" + API_VERSION);
        properties.put("password", new Password(token));
        properties.put("clean-session", true);
        properties.put("lwt.topic", "");
        configurationService().updateConfiguration(RAW_TRANSPORT_PID, properties, takeSnapshot);
        awaitTransportConfigured(brokerUrl);
        return token;
    }

    /** The transport component has its configuration (SCR shows it in the service properties). */
    private void awaitTransportConfigured(String brokerUrl) {
        Await.until("the transport is configured for " + brokerUrl, STEP, () -> {
            for (ServiceReference<DataTransportService> transport : references(DataTransportService.class,
                    RAW_TRANSPORT_PID)) {
                if (brokerUrl.equals(transport.getProperty("broker-url"))) {
                    return true;
                }
            }
            return false;
        });
    }

    private void assertTokenOnlyEncryptedInConfigAdmin(String token) throws Exception {
        Configuration[] transport = configurationAdmin.listConfigurations("(kura.service.pid=" + RAW_TRANSPORT_PID + ")");
        assertEquals("transport configurations in ConfigAdmin", 1, transport.length);
        String stored = (String) transport[0].getProperties().get("password");
        assertFalse("ConfigAdmin holds the token in clear", stored.contains(token) || stored.contains("sig="));
        assertEquals("the stored password decrypts to the token", token,
                new String(kuraService(CryptoService.class, null).decryptAes(stored.toCharArray())));
    }
}
