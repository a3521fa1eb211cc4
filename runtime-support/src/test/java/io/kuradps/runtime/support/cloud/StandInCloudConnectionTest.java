package io.kuradps.runtime.support.cloud;

import static io.kuradps.runtime.support.cloud.SimulatedHub.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.kura.system.SystemService;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

import io.kuradps.runtime.support.cloud.SimulatedHub.Device;
import io.kuradps.runtime.support.crypto.DemoCryptoService;
import io.kuradps.runtime.support.ssl.StandInKeystoreService;
import io.kuradps.runtime.support.ssl.StandInSslManagerService;
import io.kuradps.runtime.support.system.StandInSystemService;
import io.kuradps.simulator.DeviceIdentity;
import io.kuradps.simulator.HubCounters.EventKind;

/**
 * The stand-in transport and DataService against the simulator's IoT hub on loopback, configured as the hub link
 * configures Kura's (kura.md, "Kura's own cloud connection"), TLS from a keystore through the stand-in
 * SslManagerService, routed to loopback by the simulator's socket factory.
 */
class StandInCloudConnectionTest {

    static final String TRANSPORT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";

    static SimulatedHub simulated;

    @TempDir
    Path directory;

    private final CryptoService crypto = new DemoCryptoService();
    private final List<StandInDataService> dataServices = new ArrayList<>();

    StandInCloudConnectionTest() throws Exception {
    }

    @BeforeAll
    static void startSimulator() {
        simulated = new SimulatedHub();
    }

    @AfterAll
    static void stopSimulator() {
        simulated.close();
    }

    @AfterEach
    void deactivate() {
        this.dataServices.forEach(StandInDataService::deactivate);
    }

    private SystemService system() {
        Map<String, String> properties = Map.of("kura.data", this.directory.toString(),
                "kuradps.standin.primaryMacAddress", "00:11:22:33:44:55");
        return new StandInSystemService(properties::get, () -> new Bundle[0]);
    }

    /** The SslManagerService over a keystore file, routed to the simulated hubs. */
    private SslManagerService ssl(Path keystore) throws Exception {
        Map<String, Object> keystoreProperties = new HashMap<>();
        keystoreProperties.put("keystore.path", keystore.toString());
        keystoreProperties.put("keystore.password",
                new String(this.crypto.encryptAes(SimulatedHub.KEYSTORE_PASSWORD)));
        keystoreProperties.put("kura.service.pid", "SSLKeystore");
        StandInKeystoreService keystoreService = new StandInKeystoreService(this.crypto, keystoreProperties);
        return new StandInSslManagerService(keystoreService, "SSLKeystore", simulated.hub::socketFactory,
                Map.of("ssl.default.protocol", "TLSv1.2", "kura.service.pid", "org.eclipse.kura.ssl.SslManagerService"));
    }

    private SslManagerService trustingTheSimulator() throws Exception {
        return ssl(simulated.keystore(this.directory.resolve("cacerts.p12"), true, null));
    }

    /** What the hub link writes, over the metatype defaults, with the password encrypted as in ConfigAdmin. */
    private Map<String, Object> transportProperties(String brokerUrl, Device device, String password)
            throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("broker-url", brokerUrl);
        properties.put("topic.context.account-name", "account-name");
        properties.put("username", device.username());
        if (password != null) {
            properties.put("password", new String(this.crypto.encryptAes(password.toCharArray())));
        }
        properties.put("client-id", device.id);
        properties.put("keep-alive", 30);
        properties.put("timeout", 10);
        properties.put("clean-session", true);
        properties.put("lwt.topic", "");
        properties.put("lwt.qos", 0);
        properties.put("lwt.retain", false);
        properties.put("in-flight.persistence", "memory");
        properties.put("protocol-version", 4);
        properties.put("SslManagerService.target", "(kura.service.pid=org.eclipse.kura.ssl.SslManagerService)");
        properties.put("kura.service.pid", TRANSPORT_PID);
        return properties;
    }

    private static String mqtts(Device device) {
        return "mqtts://" + device.hub + ":8883/";
    }

    private static String token(Device device) throws Exception {
        return SimulatedHub.deviceToken(device, SimulatedHub.KEY, Instant.now().plusSeconds(3600));
    }

    private StandInMqttDataTransport transport(Map<String, Object> properties, SslManagerService ssl) {
        StandInMqttDataTransport transport = new StandInMqttDataTransport(this.crypto, system(), ssl);
        transport.activate(properties);
        return transport;
    }

    /** Over MQTT on 8883 with a valid token, trusting the simulator's CA: what the hub link configures. */
    private StandInMqttDataTransport mqttsTransport(Device device) throws Exception {
        return transport(transportProperties(mqtts(device), device, token(device)), trustingTheSimulator());
    }

    private StandInDataService dataService(StandInMqttDataTransport transport, Map<String, Object> properties) {
        StandInDataService dataService = new StandInDataService(transport, System::nanoTime);
        dataService.activate(properties);
        this.dataServices.add(dataService);
        return dataService;
    }

    private static byte[] text(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void telemetryPublishedThroughTheDataServiceReachesTheHubAndIsConfirmed() throws Exception {
        Device device = simulated.provision("rts-gw-1", "rts-gw-1");
        StandInMqttDataTransport transport = mqttsTransport(device);
        StandInDataService dataService = dataService(transport, Map.of());
        RecordingListener listener = new RecordingListener();
        dataService.addDataServiceListener(listener);

        dataService.connect();
        int first = dataService.publish(device.telemetryTopic(), text("{\"t\":21.5}"), 1, false, 5);
        dataService.publish(device.telemetryTopic(), text("{\"t\":22.0}"), 0, false, 5);

        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 2, WAIT)).isTrue();
        assertThat(simulated.hub.counters().telemetryMessages(device.id))
                .extracting(message -> message.payloadText()).containsExactly("{\"t\":21.5}", "{\"t\":22.0}");
        assertThat(listener.await("confirmed " + first, WAIT)).isTrue();
        assertThat(listener.events).startsWith("established");
        assertThat(dataService.isConnected()).isTrue();
        assertThat(transport.getBrokerUrl()).isEqualTo("ssl://" + device.hub + ":8883");
    }

    @Test
    void webSocketTransportReachesTheHubToo() throws Exception {
        Device device = simulated.provision("rts-gw-ws", "rts-gw-ws");
        StandInMqttDataTransport transport = transport(transportProperties(
                "wss://" + device.hub + ":443/$iothub/websocket", device, token(device)), trustingTheSimulator());
        StandInDataService dataService = dataService(transport, Map.of());

        dataService.connect();
        dataService.publish(device.telemetryTopic(), text("over websocket"), 1, false, 5);

        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 1, WAIT)).isTrue();
    }

    @Test
    void changedTransportConfigurationCostsOneReconnectAndMessagesGoOutOverTheNewSession() throws Exception {
        Device device = simulated.provision("rts-gw-renew", "rts-gw-renew");
        StandInMqttDataTransport transport = mqttsTransport(device);
        StandInDataService dataService = dataService(transport, Map.of());
        RecordingListener listener = new RecordingListener();
        dataService.addDataServiceListener(listener);
        dataService.connect();
        dataService.publish(device.telemetryTopic(), text("before"), 1, false, 5);
        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 1, WAIT)).isTrue();

        String renewed = SimulatedHub.deviceToken(device, SimulatedHub.KEY, Instant.now().plusSeconds(7200));
        transport.modified(transportProperties(mqtts(device), device, renewed));
        dataService.publish(device.telemetryTopic(), text("after"), 1, false, 5);

        assertThat(dataService.connectionsEstablished()).isEqualTo(2);
        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 2, WAIT)).isTrue();
        assertThat(simulated.hub.counters().count(device.id, EventKind.CONNECTED)).isEqualTo(2);
        assertThat(listener.events).containsSubsequence("established", "disconnecting", "disconnected",
                "established");
    }

    @Test
    void messagesAcceptedWhileDisconnectedAreQueuedAndDeliveredOnceConnected() throws Exception {
        Device device = simulated.provision("rts-gw-queue", "rts-gw-queue");
        StandInMqttDataTransport transport = mqttsTransport(device);
        StandInDataService dataService = dataService(transport, Map.of());

        int low = dataService.publish(device.telemetryTopic(), text("low"), 1, false, 9);
        int high = dataService.publish(device.telemetryTopic(), text("high"), 1, false, 1);
        assertThat(dataService.getUnpublishedMessageIds(".*")).containsExactlyInAnyOrder(low, high);
        assertThat(simulated.hub.counters().telemetry(device.id)).isZero();

        dataService.connect();

        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 2, WAIT)).isTrue();
        assertThat(simulated.hub.counters().telemetryMessages(device.id)).extracting(message -> message.payloadText())
                .containsExactly("high", "low");
        assertThat(dataService.getUnpublishedMessageIds(".*")).isEmpty();
    }

    @Test
    void autoConnectConnectsWithoutBeingAsked() throws Exception {
        Device device = simulated.provision("rts-gw-auto", "rts-gw-auto");
        StandInMqttDataTransport transport = mqttsTransport(device);

        dataService(transport, Map.of("connect.auto-on-startup", true, "connect.retry-interval", 1));

        assertThat(simulated.hub.counters().await(device.id, EventKind.CONNECTED, 1, WAIT)).isTrue();
    }

    @Test
    void aDeviceIdWithADotIsRewrittenInTheClientIdSoTheHubRefusesIt() throws Exception {
        Device device = simulated.provision("rts-gw-dot", "rts.gw.dot");
        StandInMqttDataTransport transport = mqttsTransport(device);

        assertThat(transport.getClientId()).isEqualTo("rts-gw-dot");
        assertThatThrownBy(transport::connect).isInstanceOf(KuraConnectException.class)
                .cause().isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(((MqttException) e).getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(transport.isConnected()).isFalse();
    }

    @Test
    void aTokenTheHubDoesNotAcceptFailsWithPahosNotAuthorizedAsTheCause() throws Exception {
        Device device = simulated.provision("rts-gw-refused", "rts-gw-refused");
        String forged = SimulatedHub.deviceToken(device, SimulatedHub.OTHER_KEY, Instant.now().plusSeconds(3600));
        StandInMqttDataTransport transport = transport(transportProperties(mqtts(device), device, forged),
                trustingTheSimulator());

        assertThatThrownBy(transport::connect).isInstanceOf(KuraConnectException.class)
                .cause().isInstanceOf(MqttException.class)
                .satisfies(e -> assertThat(((MqttException) e).getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(simulated.hub.counters().count(device.id, EventKind.REFUSED)).isEqualTo(1);
    }

    @Test
    void tlsFailsWhenTheKeystoreLacksTheHubsRootCa() throws Exception {
        Device device = simulated.provision("rts-gw-noca", "rts-gw-noca");
        StandInMqttDataTransport transport = transport(transportProperties(mqtts(device), device, token(device)),
                ssl(simulated.keystoreWithAnUnrelatedRoot(this.directory.resolve("unrelated.p12"))));

        assertThatThrownBy(transport::connect).isInstanceOf(KuraConnectException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(SSLHandshakeException.class::isInstance)
                        .anyMatch(CertPathBuilderException.class::isInstance));
        assertThat(simulated.hub.counters().count(device.id, EventKind.CONNECTED)).isZero();
    }

    @Test
    void anX509DevicePresentsTheKeyOfItsKeystoreAndNeedsNoPassword() throws Exception {
        DeviceIdentity identity = simulated.dps.issueDeviceCertificate("rts-cam-1");
        Device device = simulated.provision(identity);
        Path keystore = simulated.keystore(this.directory.resolve("device.p12"), true, identity);
        StandInMqttDataTransport transport = transport(transportProperties(mqtts(device), device, null),
                ssl(keystore));
        StandInDataService dataService = dataService(transport, Map.of());

        dataService.connect();
        dataService.publish(device.telemetryTopic(), text("frame"), 1, false, 5);

        assertThat(simulated.hub.counters().await(device.id, EventKind.TELEMETRY, 1, WAIT)).isTrue();
        assertThat(simulated.hub.counters().events(device.id))
                .anySatisfy(event -> assertThat(event.detail()).contains("X.509"));
    }

    /**
     * What every SslManagerService does to every transport on a KeystoreChangedEvent of its keystore (Kura 5.5's
     * MqttDataTransport.onConfigurationUpdated): the client is closed first, so the update sees a transport that
     * was not connected; no listener hears anything, nothing reconnects, and the DataService keeps what it is given.
     */
    @Test
    void anSslChangeClosesTheConnectionWithoutAWordToAnyListenerAndNothingReconnects() throws Exception {
        Device device = simulated.provision("rts-gw-ssl-change", "rts-gw-ssl-change");
        StandInMqttDataTransport transport = mqttsTransport(device);
        StandInDataService dataService = dataService(transport, Map.of());
        RecordingListener listener = new RecordingListener();
        dataService.addDataServiceListener(listener);
        dataService.connect();
        int before = dataService.publish(device.telemetryTopic(), text("before"), 1, false, 5);
        assertThat(listener.await("confirmed " + before, WAIT)).isTrue();
        List<String> heardBefore = new ArrayList<>(listener.events);

        transport.onConfigurationUpdated();

        assertThat(transport.isConnected()).isFalse();
        assertThat(dataService.isConnected()).isFalse();
        assertThat(listener.events).isEqualTo(heardBefore);
        int after = dataService.publish(device.telemetryTopic(), text("after"), 1, false, 5);
        assertThat(dataService.getUnpublishedMessageIds(".*")).containsExactly(after);
        assertThat(dataService.connectionsEstablished()).isEqualTo(1);
    }

    /**
     * Kura 5.5's MqttDataTransport activated before its SslManagerService is bound: "SSL setup failed", no client
     * configuration; binding the SslManagerService later does not build one (only an updated configuration does).
     */
    @Test
    void aTransportActivatedBeforeItsSslManagerCannotConnectUntilItsConfigurationIsUpdated() throws Exception {
        Device device = simulated.provision("rts-gw-no-ssl-yet", "rts-gw-no-ssl-yet");
        Map<String, Object> properties = transportProperties(mqtts(device), device, token(device));
        StandInMqttDataTransport transport = transport(properties, null);

        assertThatThrownBy(transport::connect).isInstanceOf(KuraConnectException.class)
                .hasMessageContaining("Unexpected exception setting up MQTT session")
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("Invalid client configuration");
        transport.setSslManagerService(trustingTheSimulator());
        assertThatThrownBy(transport::connect).isInstanceOf(KuraConnectException.class)
                .cause().hasMessage("Invalid client configuration");

        transport.modified(properties);
        transport.connect();

        assertThat(transport.isConnected()).isTrue();
        assertThat(simulated.hub.counters().count(device.id, EventKind.CONNECTED)).isEqualTo(1);
        transport.deactivate();
    }

    /** A configuration that cannot be built keeps the one before, and the listeners hear no onConfigurationUpdated. */
    @Test
    void anUpdateThatCannotBeBuiltKeepsTheConfigurationBeforeAndTellsNoOneItWasUpdated() throws Exception {
        Device device = simulated.provision("rts-gw-bad-update", "rts-gw-bad-update");
        StandInMqttDataTransport transport = mqttsTransport(device);
        StandInDataService dataService = dataService(transport, Map.of());
        dataService.connect();
        Map<String, Object> broken = transportProperties(mqtts(device), device, token(device));
        broken.put("in-flight.persistence", "disk");

        assertThatThrownBy(() -> transport.modified(broken)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in-flight.persistence");

        assertThat(dataService.isConnected()).as("disconnected by onConfigurationUpdating, not reconnected").isFalse();
        assertThat(transport.getBrokerUrl()).isEqualTo("ssl://" + device.hub + ":8883");
        dataService.connect();
        assertThat(simulated.hub.counters().count(device.id, EventKind.CONNECTED)).isEqualTo(2);
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }
}
