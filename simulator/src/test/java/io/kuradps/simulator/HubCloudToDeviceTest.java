package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuradps.simulator.CloudToDeviceMessage.State;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Cloud-to-device messages as IoT Hub delivers them over MQTT: into the device's queue, out on
 * {@code devices/{id}/messages/devicebound/{property bag}} at the subscription's QoS, completed by the PUBACK,
 * kept for a disconnected device until it subscribes (or, in a persistent session, until it connects), back in the
 * queue when the connection ends before the PUBACK.
 */
class HubCloudToDeviceTest extends HubServiceTestSupport {

    static final Clock CLOCK = Clock.systemUTC();

    static String deviceBound(HubClient.Assignment device) {
        return "devices/" + device.deviceId() + "/messages/devicebound/#";
    }

    static String text(MqttPublishMessage publish) {
        return publish.payload().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSubscribedDeviceGetsTheMessageWithItsPropertiesAndItsPubackIsRecorded() throws Exception {
        HubClient.Assignment device = provision("c2d-gw-paho");
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            client.paho.subscribe(deviceBound(device), 1);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("$.ct", "application/json");
            properties.put("$.ce", "utf-8");
            properties.put("colour", "deep red");
            String messageId = hub.sendToDevice(device.deviceId(), "{\"cmd\":\"blink\"}", properties);

            HubClient.Received received = client.next();
            assertThat(received.topic()).isEqualTo("devices/" + device.deviceId() + "/messages/devicebound/%24.mid="
                    + messageId + "&%24.to=%2Fdevices%2F" + device.deviceId() + "%2Fmessages%2Fdevicebound"
                    + "&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=none&colour=deep%20red");
            assertThat(received.text()).isEqualTo("{\"cmd\":\"blink\"}");
            assertThat(received.message().getQos()).isEqualTo(1);
            assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.CLOUD_TO_DEVICE_ACKNOWLEDGED,
                    1, WAIT)).isTrue();
            assertThat(hub.counters().acknowledged(device.deviceId())).containsExactly(messageId);
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement().satisfies(m -> {
                assertThat(m.state()).isEqualTo(State.COMPLETED);
                assertThat(m.acknowledged()).isTrue();
                assertThat(m.deliveries()).isEqualTo(1);
                assertThat(m.hub()).isEqualTo(HUB);
            });
        }
    }

    @Test
    void aQos0SubscriptionGetsMessagesFireAndForget() {
        HubClient.Assignment device = provision("c2d-gw-qos0");
        try (TestDevice raw = raw(device, true)) {
            assertThat(raw.subscribe(MqttQoS.AT_MOST_ONCE, deviceBound(device))).containsExactly(0);
            String messageId = hub.sendToDevice(device.deviceId(), "once", Map.of());
            MqttPublishMessage publish = raw.nextPublish();
            assertThat(publish.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_MOST_ONCE);
            assertThat(text(publish)).isEqualTo("once");
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement().satisfies(m -> {
                assertThat(m.messageId()).isEqualTo(messageId);
                assertThat(m.state()).isEqualTo(State.COMPLETED);
                assertThat(m.acknowledged()).isFalse();
            });
        }
    }

    @Test
    void messagesForADisconnectedDeviceWaitForItsNextSubscription() {
        HubClient.Assignment device = provision("c2d-gw-offline");
        String first = hub.sendToDevice(device.deviceId(), "first", Map.of());
        String second = hub.sendToDevice(device.deviceId(), "second", Map.of("n", "2"));
        assertThat(hub.cloudToDeviceMessages(device.deviceId())).extracting(CloudToDeviceMessage::state)
                .containsExactly(State.ENQUEUED, State.ENQUEUED);
        try (TestDevice raw = raw(device, true)) {
            assertThat(raw.sessionPresent()).isFalse();
            assertThat(raw.ping()).as("nothing before the subscription: PINGRESP is the next packet").isTrue();
            assertThat(raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device))).containsExactly(1);
            MqttPublishMessage one = raw.nextPublish();
            MqttPublishMessage two = raw.nextPublish();
            assertThat(text(one)).isEqualTo("first");
            assertThat(one.variableHeader().topicName()).contains("%24.mid=" + first);
            assertThat(text(two)).isEqualTo("second");
            assertThat(two.variableHeader().topicName()).contains("%24.mid=" + second).endsWith("&n=2");
            raw.puback(two.variableHeader().packetId());
            raw.puback(one.variableHeader().packetId());
            assertThat(raw.ping()).isTrue();
        }
        assertThat(hub.counters().acknowledged(device.deviceId())).containsExactly(second, first);
    }

    @Test
    void aPersistentSessionKeepsItsSubscriptionAndGetsWhatWaitedAtConnect() {
        HubClient.Assignment device = provision("c2d-gw-persistent");
        try (TestDevice raw = raw(device, false)) {
            assertThat(raw.sessionPresent()).isFalse();
            assertThat(raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device))).containsExactly(1);
        }
        String waiting = hub.sendToDevice(device.deviceId(), "while away", Map.of());
        try (TestDevice raw = raw(device, false)) {
            assertThat(raw.sessionPresent()).isTrue();
            MqttPublishMessage publish = raw.nextPublish();
            assertThat(text(publish)).isEqualTo("while away");
            raw.puback(publish.variableHeader().packetId());
            assertThat(raw.ping()).isTrue();
        }
        assertThat(hub.counters().acknowledged(device.deviceId())).containsExactly(waiting);

        // a clean session discards the subscription: the next message waits for a SUBSCRIBE again
        hub.sendToDevice(device.deviceId(), "after a clean start", Map.of());
        try (TestDevice raw = raw(device, true)) {
            assertThat(raw.sessionPresent()).isFalse();
            assertThat(raw.ping()).isTrue();
        }
        try (TestDevice raw = raw(device, false)) {
            assertThat(raw.sessionPresent()).isFalse();
            assertThat(raw.ping()).isTrue();
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).last()
                    .satisfies(m -> assertThat(m.state()).isEqualTo(State.ENQUEUED));
        }
    }

    @Test
    void aMessageLeftUnacknowledgedIsDeliveredAgainAfterTheConnectionEnds() {
        HubClient.Assignment device = provision("c2d-gw-unacked");
        String messageId;
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device));
            messageId = hub.sendToDevice(device.deviceId(), "ack me", Map.of());
            assertThat(text(raw.nextPublish())).isEqualTo("ack me");
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement()
                    .satisfies(m -> assertThat(m.state()).isEqualTo(State.DELIVERED));
        }
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device));
            MqttPublishMessage again = raw.nextPublish();
            assertThat(again.variableHeader().topicName()).contains("%24.mid=" + messageId);
            raw.puback(again.variableHeader().packetId());
            assertThat(raw.ping()).isTrue();
        }
        assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement().satisfies(m -> {
            assertThat(m.state()).isEqualTo(State.COMPLETED);
            assertThat(m.deliveries()).isEqualTo(2);
        });
    }

    @Test
    void unsubscribingStopsDelivery() {
        HubClient.Assignment device = provision("c2d-gw-unsubscribe");
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device));
            assertThat(raw.unsubscribe(deviceBound(device))).isTrue();
            hub.sendToDevice(device.deviceId(), "nobody listens", Map.of());
            assertThat(raw.ping()).isTrue();
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement()
                    .satisfies(m -> assertThat(m.state()).isEqualTo(State.ENQUEUED));
        }
    }

    @Test
    void theServiceIsRefusedAsIotHubRefusesIt() {
        assertThatThrownBy(() -> hub.sendToDevice("c2d-nobody", "x", Map.of()))
                .isInstanceOfSatisfying(HubServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(404001);
                });
        HubClient.Assignment device = provision("c2d-gw-full");
        for (int i = 0; i < CloudToDeviceQueue.MAX_QUEUED; i++) {
            hub.sendToDevice(device.deviceId(), "m" + i, Map.of());
        }
        assertThatThrownBy(() -> hub.sendToDevice(device.deviceId(), "one too many", Map.of()))
                .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(403004));
        assertThatThrownBy(() -> hub.sendToDevice(device.deviceId(), new byte[64 * 1024 + 1], Map.of()))
                .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(413001));
    }

    @Test
    void aMessageIsForTheHubTheDeviceWasAssignedToLast() throws Exception {
        HubClient.Assignment device = provision("c2d-gw-moved");
        String elsewhere = "kura-dps-c2d-hub-2.azure-devices.net";
        dps.enrollments().put(dps.enrollments().individual("c2d-gw-moved").orElseThrow().withIotHubs(elsewhere));
        HubClient.Assignment moved = HubClient.provision(dps, "c2d-gw-moved", KEY);
        assertThat(moved.hub()).isEqualTo(elsewhere);
        hub.sendToDevice(device.deviceId(), "to the new hub", Map.of());
        assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement()
                .satisfies(m -> assertThat(m.hub()).isEqualTo(elsewhere));
        // while connected to the old hub (still in its registry), the old one is meant
        try (HubClient client = HubClient.connect(hub, device, KEY, CLOCK)) {
            assertThat(hub.sendToDevice(device.deviceId(), "to the old hub", Map.of())).isNotNull();
            assertThat(hub.cloudToDeviceMessages(device.deviceId())).singleElement()
                    .satisfies(m -> assertThat(m.hub()).isEqualTo(HUB));
        }
    }

    @Test
    void telemetryOverIotHubsLimitClosesTheConnection() throws InterruptedException {
        HubClient.Assignment device = provision("c2d-gw-big-telemetry");
        try (TestDevice raw = raw(device, true)) {
            raw.publish(device.telemetryTopic(), new byte[255 * 1024], MqttQoS.AT_LEAST_ONCE);
            assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.TELEMETRY, 1, WAIT)).isTrue();
            raw.publish(device.telemetryTopic() + "k=v", new byte[256 * 1024], MqttQoS.AT_LEAST_ONCE);
            assertThat(raw.awaitClosed()).isTrue();
        }
        assertThat(hub.counters().await(device.deviceId(), HubCounters.EventKind.PROTOCOL_VIOLATION, 1, WAIT))
                .isTrue();
        assertThat(hub.counters().events(device.deviceId())).filteredOn(
                e -> e.kind() == HubCounters.EventKind.PROTOCOL_VIOLATION).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("413001 MessageTooLarge"));
        assertThat(hub.counters().telemetry(device.deviceId())).isEqualTo(1);
    }

    @Test
    void aMessageExpiresWhenItsTimeToLivePassesOnTheSimulatorsClock() {
        HubClient.Assignment device = provision("c2d-gw-ttl");
        String shortLived = hub.sendToDevice(device.deviceId(), "soon stale".getBytes(StandardCharsets.UTF_8),
                Map.of(), Duration.ofMinutes(1));
        String fresh = hub.sendToDevice(device.deviceId(), "fresh".getBytes(StandardCharsets.UTF_8), Map.of(),
                Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(2));
        try (TestDevice raw = raw(device, true)) {
            raw.subscribe(MqttQoS.AT_LEAST_ONCE, deviceBound(device));
            MqttPublishMessage publish = raw.nextPublish();
            assertThat(publish.variableHeader().topicName()).contains("%24.mid=" + fresh);
            raw.puback(publish.variableHeader().packetId());
            assertThat(raw.ping()).isTrue();
        }
        assertThat(hub.cloudToDeviceMessages(device.deviceId())).extracting(CloudToDeviceMessage::messageId,
                CloudToDeviceMessage::state).containsExactly(Tuple.tuple(shortLived, State.EXPIRED),
                        Tuple.tuple(fresh, State.COMPLETED));
        assertThat(hub.counters().count(device.deviceId(), HubCounters.EventKind.CLOUD_TO_DEVICE_EXPIRED))
                .isEqualTo(1);
    }
}
