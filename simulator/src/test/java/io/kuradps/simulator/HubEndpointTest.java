package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.ConnectException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simulated IoT hub as a device meets it: provisioned through the simulator's DPS, then connected with Paho to
 * the assigned hub under its real name (the broker URL says {@code ssl://{hub}:8883}), reached on loopback through
 * the hub's socket factory.
 */
class HubEndpointTest {

    static final String KEY = RegistrationTest.KEY;
    static final String GROUP_KEY = RegistrationTest.GROUP_KEY;
    static final String DEMO_HUB = "kura-dps-demo-hub.azure-devices.net";
    static final String FLEET_HUB = "kura-dps-fleet-hub-1.azure-devices.net";
    static final String CAMERA_HUB = "kura-dps-camera-hub.azure-devices.net";
    static final Clock CLOCK = Clock.systemUTC();
    static final Duration WAIT = TestDevice.WAIT;
    static final int NOT_AUTHORIZED = 5;

    static DpsSimulator dps;
    static HubSimulator hub;

    @BeforeAll
    static void start() {
        dps = DpsSimulator.builder().mqttPort(0).webSocketPort(-1).hubPort(0).hubWebSocketPort(0)
                .idScope("0ne0000HUB1")
                .enrollments(Enrollments.of(
                        Enrollment.individual("hub-gw-1", Attestation.symmetricKey(KEY)).withDeviceId("hub-device-1")
                                .withIotHubs(DEMO_HUB),
                        Enrollment.group("hub-fleet", Attestation.symmetricKey(GROUP_KEY)).withIotHubs(FLEET_HUB),
                        Enrollment.individual("hub-cam-1", Attestation.x509BySimulatorCa()).withIotHubs(CAMERA_HUB)))
                .start();
        hub = dps.hub();
    }

    @AfterAll
    static void stop() {
        dps.close();
    }

    /** An individual enrollment of its own, so that tests do not disturb each other's devices. */
    static HubClient.Assignment provisionNew(String registrationId) {
        dps.enrollments().put(Enrollment.individual(registrationId, Attestation.symmetricKey(KEY))
                .withIotHubs(DEMO_HUB));
        return HubClient.provision(dps, registrationId, KEY);
    }

    static MqttConnectOptions symmetricKey(HubClient.Assignment device, String key) {
        return HubClient.options(device.username(),
                HubClient.sas(device.hub(), device.deviceId(), key, HubClient.inAnHour(CLOCK)), hub.socketFactory());
    }

    static TestDevice rawDevice(HubClient.Assignment device) {
        TestDevice raw = TestDevice.open(hub.mqttPort(), dps.clientSslContext(), device.hub());
        assertThat(raw.connect(device.deviceId(), device.username(),
                HubClient.sas(device.hub(), device.deviceId(), KEY, HubClient.inAnHour(CLOCK))))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
        return raw;
    }

    @Test
    void individualKeyDeviceSendsTelemetryAtQos0And1() throws Exception {
        HubClient.Assignment device = HubClient.provision(dps, "hub-gw-1", KEY);
        assertThat(device).isEqualTo(new HubClient.Assignment(DEMO_HUB, "hub-device-1"));
        assertThat(hub.registry().device(DEMO_HUB, "hub-device-1")).get()
                .satisfies(d -> assertThat(d.registrationId()).isEqualTo("hub-gw-1"));

        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            client.publish(device.telemetryTopic(), "{\"temperature\":21.5}", 1);
            client.publish(device.telemetryTopic() + "$.ct=application%2Fjson&$.ce=utf-8&alert=high%20temp", "{}", 0);
            assertThat(hub.counters().await("hub-device-1", HubCounters.EventKind.TELEMETRY, 2, WAIT)).isTrue();
        }
        List<TelemetryMessage> messages = hub.counters().telemetryMessages("hub-device-1");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).payloadText()).isEqualTo("{\"temperature\":21.5}");
        assertThat(messages.get(0).qos()).isEqualTo(1);
        assertThat(messages.get(0).hub()).isEqualTo(DEMO_HUB);
        assertThat(messages.get(1).qos()).isZero();
        assertThat(messages.get(1).properties()).containsExactly(Map.entry("$.ct", "application/json"),
                Map.entry("$.ce", "utf-8"), Map.entry("alert", "high temp"));
        assertThat(hub.counters().count("hub-device-1", HubCounters.EventKind.CONNECTED)).isEqualTo(1);
    }

    @Test
    void groupDeviceSignsWithTheKeyDerivedForItsRegistrationId() throws Exception {
        String derived = TestDevice.derivedKey(GROUP_KEY, "fleet-gw-7");
        HubClient.Assignment device = HubClient.provision(dps, "fleet-gw-7", derived);
        assertThat(device).isEqualTo(new HubClient.Assignment(FLEET_HUB, "fleet-gw-7"));

        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, GROUP_KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal("fleet-gw-7")).contains("derived from enrollment group hub-fleet");
        try (HubClient client = HubClient.connect(hub, device, derived, CLOCK)) {
            client.publish(device.telemetryTopic(), "fleet", 1);
        }
        assertThat(hub.counters().telemetry("fleet-gw-7")).isEqualTo(1);
    }

    @Test
    void x509DeviceConnectsWithItsCertificateAndNoPassword() throws Exception {
        DeviceIdentity camera = dps.issueDeviceCertificate("hub-cam-1");
        HubClient.Assignment device = HubClient.provision(dps, camera);
        assertThat(device).isEqualTo(new HubClient.Assignment(CAMERA_HUB, "hub-cam-1"));

        try (HubClient client = HubClient.connect(device.mqttUrl(), device.deviceId(),
                HubClient.options(device.username(), null, hub.socketFactory(camera)))) {
            client.publish(device.telemetryTopic(), "frame", 1);
        }
        assertThat(hub.counters().telemetry("hub-cam-1")).isEqualTo(1);
        assertThat(hub.counters().events("hub-cam-1")).anySatisfy(
                e -> assertThat(e.detail()).endsWith(", X.509, enrolled certificate"));

        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(),
                HubClient.options(device.username(), null, hub.socketFactory()))).isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal("hub-cam-1")).contains("no client certificate");
        DeviceIdentity impostor = dps.issueDeviceCertificate("someone-else");
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(),
                HubClient.options(device.username(), null, hub.socketFactory(impostor)))).isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal("hub-cam-1")).contains("CN someone-else");
    }

    @Test
    void badTokensAreNotAuthorized() {
        HubClient.Assignment device = provisionNew("hub-gw-tokens");
        String id = device.deviceId();
        long valid = HubClient.inAnHour(CLOCK);
        Map<String, String> badPasswords = Map.of(
                HubClient.sas(DEMO_HUB, id, RegistrationTest.GROUP_KEY, valid), "signature does not match",
                HubClient.sas(DEMO_HUB, id, KEY, CLOCK.instant().getEpochSecond() - 10), "expired",
                HubClient.sas(DEMO_HUB, "hub-device-1", KEY, valid), "sr is not " + DEMO_HUB + "/devices/" + id,
                HubClient.sas(DEMO_HUB, id, KEY, valid) + "&skn=iothubowner", "skn",
                TestDevice.sas(dps.idScope(), id, KEY, valid), "sr is not",
                "not-a-token", "not a SharedAccessSignature");
        badPasswords.forEach((password, reason) -> {
            assertThat(HubClient.refusal(device.mqttUrl(), id,
                    HubClient.options(device.username(), password, hub.socketFactory()))).as(reason)
                    .isEqualTo(NOT_AUTHORIZED);
            assertThat(hub.counters().lastRefusal(id)).contains(reason).doesNotContain(password);
        });
        assertThat(HubClient.refusal(device.mqttUrl(), id, HubClient.options(device.username(), null,
                hub.socketFactory()))).isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(id)).contains("no SAS token");
    }

    @Test
    void clientIdMustBeTheDeviceId() {
        HubClient.Assignment device = provisionNew("hub-gw-client-id");
        assertThat(HubClient.refusal(device.mqttUrl(), "another-client", symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(device.deviceId())).contains("client id 'another-client'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0ne0000HUB1/registrations/hub-gw-form/api-version=2021-06-01",
        DEMO_HUB + "/hub-gw-form", DEMO_HUB + "/hub-gw-form/api-version=2021-04-12",
        DEMO_HUB + "/hub-gw-form/?DeviceClientType=test", DEMO_HUB + "/hub-gw-form/?api-version=latest",
        DEMO_HUB + "/hub-gw-form/?api-version=2021-04-12&model-id=thermostat"})
    void usernameMustHaveIotHubsForm(String username) {
        HubClient.Assignment device = provisionNew("hub-gw-form");
        MqttConnectOptions options = HubClient.options(username,
                HubClient.sas(DEMO_HUB, device.deviceId(), KEY, HubClient.inAnHour(CLOCK)), hub.socketFactory());
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), options)).isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().count(device.deviceId(), HubCounters.EventKind.CONNECTED)).isZero();
    }

    @Test
    void usernameMayCarryAModelIdAndOtherParameters() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-pnp");
        String username = device.username() + "&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1"
                + "&DeviceClientType=kura-dps%2F0.1";
        try (HubClient client = HubClient.connect(device.mqttUrl(), device.deviceId(), HubClient.options(username,
                HubClient.sas(DEMO_HUB, device.deviceId(), KEY, HubClient.inAnHour(CLOCK)), hub.socketFactory()))) {
            assertThat(client.paho.isConnected()).isTrue();
        }
        assertThat(hub.counters().events(device.deviceId())).anySatisfy(e -> assertThat(e.detail())
                .startsWith("api-version=2021-04-12, model-id=dtmi:com:example:Thermostat;1, SAS token until "));
    }

    @Test
    void onlyDevicesDpsAssignedToThatHubAreKnown() throws Exception {
        dps.enrollments().put(Enrollment.individual("hub-gw-never", Attestation.symmetricKey(KEY))
                .withIotHubs(DEMO_HUB));
        HubClient.Assignment never = new HubClient.Assignment(DEMO_HUB, "hub-gw-never");
        assertThat(HubClient.refusal(never.mqttUrl(), never.deviceId(), symmetricKey(never, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal("hub-gw-never")).contains("has no device hub-gw-never");

        HubClient.Assignment device = provisionNew("hub-gw-wrong-hub");
        HubClient.Assignment elsewhere = new HubClient.Assignment(FLEET_HUB, device.deviceId());
        assertThat(HubClient.refusal(elsewhere.mqttUrl(), device.deviceId(), symmetricKey(elsewhere, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(device.deviceId())).contains("hub " + FLEET_HUB + " has no device");

        // dialled the device's hub, but the username names another
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(elsewhere, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(device.deviceId()))
                .contains("connected to hub " + DEMO_HUB + " but the username names hub " + FLEET_HUB);
    }

    @Test
    void aDeviceRegisteredAsAssignedBeforeTheSimulatorStartedConnectsWithoutProvisioning() throws Exception {
        Enrollment enrollment = Enrollment.individual("hub-gw-earlier", Attestation.symmetricKey(KEY))
                .withIotHubs(DEMO_HUB);
        dps.enrollments().put(enrollment);
        HubClient.Assignment earlier = new HubClient.Assignment(DEMO_HUB, "hub-gw-earlier");

        hub.registry().register(DEMO_HUB, earlier.deviceId(), "hub-gw-earlier", enrollment);

        try (HubClient client = HubClient.connect(hub, earlier, KEY, CLOCK)) {
            assertThat(client.paho.isConnected()).isTrue();
        }
        // with the enrollment's credentials: a token signed by another key is refused
        assertThat(HubClient.refusal(earlier.mqttUrl(), earlier.deviceId(), symmetricKey(earlier, GROUP_KEY)))
                .isEqualTo(NOT_AUTHORIZED);
    }

    @Test
    void aDeletedDeviceIsRefusedUntilItProvisionsAgain() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-deleted");
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(hub.registry().delete(DEMO_HUB, device.deviceId())).isTrue();
            assertThat(client.awaitLost()).as("the open session ends").isTrue();
        }
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.REVOKED, 1, WAIT)).isTrue();
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);

        assertThat(HubClient.provision(dps, "hub-gw-deleted", KEY)).isEqualTo(device);
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(client.paho.isConnected()).isTrue();
        }
    }

    @Test
    void aDisabledDeviceStaysRefusedAfterProvisioningUntilEnabled() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-disabled");
        assertThat(hub.registry().disable(DEMO_HUB, device.deviceId())).isTrue();
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(device.deviceId())).contains("disabled");
        HubClient.provision(dps, "hub-gw-disabled", KEY);
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);

        assertThat(hub.registry().enable(DEMO_HUB, device.deviceId())).isTrue();
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(client.paho.isConnected()).isTrue();
        }
    }

    @Test
    void aMovedDeviceIsRefusedByItsOldHubAndProvisionsToTheNewOne() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-moved");
        dps.enrollments().put(dps.enrollments().individual("hub-gw-moved").orElseThrow().withIotHubs(FLEET_HUB));
        hub.registry().delete(DEMO_HUB, device.deviceId());
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);

        HubClient.Assignment moved = HubClient.provision(dps, "hub-gw-moved", KEY);
        assertThat(moved.hub()).isEqualTo(FLEET_HUB);
        try (HubClient client = HubClient.connect(hub, moved, KEY, CLOCK)) {
            client.publish(moved.telemetryTopic(), "from the new hub", 1);
        }
        assertThat(hub.counters().telemetryMessages(moved.deviceId())).singleElement()
                .satisfies(m -> assertThat(m.hub()).isEqualTo(FLEET_HUB));
    }

    @Test
    void anInjectedFaultRefusesAnAssignedDevice() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-fault");
        Faults.Rule rule = hub.faults().on(Faults.Trigger.CONNECT).forDevice(device.deviceId()).times(2)
                .inject(Fault.refuseConnect(5));
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), symmetricKey(device, KEY)))
                .isEqualTo(NOT_AUTHORIZED);
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(client.paho.isConnected()).isTrue();
        }
        assertThat(rule.hits()).isEqualTo(2);
    }

    @Test
    void telemetryFaultsDecideWhatTheHubAccepts() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-lossy");
        hub.faults().on(Faults.Trigger.TELEMETRY).forDevice(device.deviceId()).times(1).inject(Fault.drop());
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThatThrownBy(() -> client.publish(device.telemetryTopic(), "lost", 1))
                    .isInstanceOf(MqttException.class);
        }
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            client.publish(device.telemetryTopic(), "resent", 1);
        }
        assertThat(hub.counters().telemetryMessages(device.deviceId())).extracting(TelemetryMessage::payloadText)
                .containsExactly("resent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/hub-device-other/messages/events/", "devices/%s/messages/events",
        "$iothub/twin/PATCH/properties/desired/?$rid=1", "devices/%s/messages/devicebound/",
        "$iothub/twin/GET/", "$iothub/methods/res/ok/?$rid=1"})
    void publishingElsewhereClosesTheConnection(String topic) throws InterruptedException {
        HubClient.Assignment device = provisionNew("hub-gw-topics");
        long before = hub.counters().count(device.deviceId(), HubCounters.EventKind.PROTOCOL_VIOLATION);
        try (TestDevice raw = rawDevice(device)) {
            raw.publish(topic.formatted(device.deviceId()), "x", MqttQoS.AT_LEAST_ONCE);
            assertThat(raw.awaitClosed()).isTrue();
        }
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.PROTOCOL_VIOLATION, before + 1,
                WAIT)).isTrue();
        assertThat(hub.counters().telemetry(device.deviceId())).isZero();
    }

    @Test
    void qos2TelemetryClosesTheConnection() {
        HubClient.Assignment device = provisionNew("hub-gw-qos2");
        try (TestDevice raw = rawDevice(device)) {
            raw.publish(device.telemetryTopic(), "x", MqttQoS.EXACTLY_ONCE);
            assertThat(raw.awaitClosed()).isTrue();
        }
        assertThat(hub.counters().telemetry(device.deviceId())).isZero();
    }

    @Test
    void devicesMaySubscribeToTheirCloudToDeviceMessages() {
        HubClient.Assignment device = provisionNew("hub-gw-subscribe");
        String devicebound = "devices/" + device.deviceId() + "/messages/devicebound/#";
        try (TestDevice raw = rawDevice(device)) {
            assertThat(raw.subscribe(MqttQoS.EXACTLY_ONCE, devicebound)).containsExactly(1);
            assertThat(raw.subscribe(MqttQoS.AT_MOST_ONCE, devicebound)).containsExactly(0);
            assertThat(raw.subscribe(MqttQoS.AT_LEAST_ONCE, "devices/hub-device-1/messages/devicebound/#", "#"))
                    .containsExactly(0x80, 0x80);
            assertThat(raw.ping()).isTrue();
        }
    }

    @Test
    void aSecondConnectionOfTheSameDeviceEndsTheFirst() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-twice");
        try (HubClient first = HubClient.connect(hub, device, KEY, CLOCK);
                HubClient second = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(first.awaitLost()).isTrue();
            assertThat(second.paho.isConnected()).isTrue();
        }
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.REPLACED, 1, WAIT)).isTrue();
    }

    @Test
    void theWillGoesToTelemetryWhenTheConnectionDropsWithoutDisconnect() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-will");
        MqttConnectOptions options = symmetricKey(device, KEY);
        options.setWill(device.telemetryTopic() + "kind=will", "gone".getBytes(), 1, false);
        HubClient client = HubClient.connect(device.mqttUrl(), device.deviceId(), options);
        client.paho.disconnectForcibly(0, 1000, false);
        client.paho.close(true);
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.TELEMETRY, 1, WAIT)).isTrue();
        assertThat(hub.counters().telemetryMessages(device.deviceId())).singleElement().satisfies(m -> {
            assertThat(m.will()).isTrue();
            assertThat(m.payloadText()).isEqualTo("gone");
            assertThat(m.properties()).containsEntry("kind", "will");
        });

        MqttConnectOptions elsewhere = symmetricKey(device, KEY);
        elsewhere.setWill("kura/" + device.deviceId() + "/offline", "gone".getBytes(), 0, false);
        assertThat(HubClient.refusal(device.mqttUrl(), device.deviceId(), elsewhere)).isEqualTo(NOT_AUTHORIZED);
        assertThat(hub.counters().lastRefusal(device.deviceId())).contains("Will topic");
    }

    @Test
    void mqttOverWebSocketOnTheIotHubPath() throws Exception {
        HubClient.Assignment device = provisionNew("hub-gw-ws");
        try (HubClient client = HubClient.connect("wss://" + DEMO_HUB + ":443" + HubSimulator.WEBSOCKET_PATH,
                device.deviceId(), symmetricKey(device, KEY))) {
            client.publish(device.telemetryTopic(), "over WebSocket", 1);
        }
        assertThat(hub.counters().telemetryMessages(device.deviceId())).extracting(TelemetryMessage::payloadText)
                .containsExactly("over WebSocket");
        assertThatThrownBy(() -> HubClient.connect("wss://" + DEMO_HUB + ":443/mqtt", device.deviceId(),
                symmetricKey(device, KEY))).isInstanceOf(MqttException.class);
    }

    @Test
    void theServerCertificateNamesTheHubTheClientAsksFor() throws Exception {
        try (SSLSocket socket = (SSLSocket) hub.socketFactory().createSocket(DEMO_HUB, 8883)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, DEMO_HUB));
        }
        // another name gets the loopback certificate, which a client checking that name refuses
        try (SSLSocket socket = (SSLSocket) dps.clientSslContext().getSocketFactory().createSocket(
                new Socket("127.0.0.1", hub.mqttPort()), "not-a-hub.example.com", 8883, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void theSocketFactoryReachesOnlyTheHubsAndLoopback() {
        assertThatThrownBy(() -> hub.socketFactory().createSocket("example.com", 8883))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("not a hub of the simulator");
        assertThatThrownBy(() -> hub.socketFactory().createSocket(DEMO_HUB, 5671))
                .isInstanceOf(ConnectException.class).hasMessageContaining("has no port 5671");
        assertThat(hub.serves(DEMO_HUB.toUpperCase())).isTrue();
        assertThat(hub.serves("kura-dps-unknown-hub.azure-devices.net")).isFalse();
    }
}
