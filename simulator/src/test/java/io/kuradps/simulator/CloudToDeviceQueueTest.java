package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kuradps.simulator.CloudToDeviceMessage.State;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A device's cloud-to-device queue through IoT Hub's life cycle, on given times. */
class CloudToDeviceQueueTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);
    final CloudToDeviceQueue queue = new CloudToDeviceQueue("hub.azure-devices.net", "dev-1");
    final Object connection = new Object();

    String enqueue(String body, Map<String, String> properties) {
        return queue.enqueue(body.getBytes(StandardCharsets.UTF_8), properties, HOUR, T0);
    }

    @Test
    void theBagHasIotHubsSystemPropertiesFirstThenTheApplicationOnes() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("colour", "red");
        properties.put("$.ct", "application/json");
        properties.put("$.cid", "corr-1");
        properties.put("$.mid", "mid-1");
        properties.put("flag", null);
        assertThat(enqueue("{}", properties)).isEqualTo("mid-1");
        CloudToDeviceMessage message = queue.deliverNext(1, 7, connection, T0);
        assertThat(message.properties()).containsExactly(Map.entry("$.mid", "mid-1"),
                Map.entry("$.to", "/devices/dev-1/messages/devicebound"), Map.entry("$.cid", "corr-1"),
                Map.entry("$.ct", "application/json"), Map.entry("iothub-ack", "none"), Map.entry("colour", "red"),
                new java.util.AbstractMap.SimpleEntry<>("flag", null));
        assertThat(enqueue("x", Map.of())).matches("[0-9a-f-]{36}");
    }

    @Test
    void qos1StaysUntilItsPubackAndQos0CompletesWhenSent() {
        String first = enqueue("one", Map.of());
        String second = enqueue("two", Map.of());
        assertThat(queue.deliverNext(1, 1, connection, T0).messageId()).isEqualTo(first);
        assertThat(queue.acknowledged(2, connection, T0)).as("no message went out with packet id 2").isNull();
        assertThat(queue.acknowledged(1, new Object(), T0)).as("another connection's PUBACK").isNull();
        CloudToDeviceMessage acknowledged = queue.acknowledged(1, connection, T0.plusSeconds(1));
        assertThat(acknowledged.state()).isEqualTo(State.COMPLETED);
        assertThat(acknowledged.acknowledged()).isTrue();
        assertThat(acknowledged.settledAt()).isEqualTo(T0.plusSeconds(1));

        CloudToDeviceMessage fireAndForget = queue.deliverNext(0, 0, connection, T0);
        assertThat(fireAndForget.messageId()).isEqualTo(second);
        assertThat(fireAndForget.state()).isEqualTo(State.COMPLETED);
        assertThat(fireAndForget.acknowledged()).isFalse();
        assertThat(queue.deliverNext(1, 3, connection, T0)).isNull();
    }

    @Test
    void messagesLeftUnacknowledgedGoBackInTheirPlacesWhenTheConnectionEnds() {
        String first = enqueue("one", Map.of());
        String second = enqueue("two", Map.of());
        queue.deliverNext(1, 1, connection, T0);
        queue.deliverNext(1, 2, connection, T0);
        assertThat(queue.connectionEnded(new Object())).as("another connection ended").isFalse();
        assertThat(queue.connectionEnded(connection)).isTrue();
        assertThat(queue.messages()).extracting(CloudToDeviceMessage::state).containsOnly(State.ENQUEUED);
        Object next = new Object();
        assertThat(queue.deliverNext(1, 1, next, T0)).satisfies(m -> {
            assertThat(m.messageId()).isEqualTo(first);
            assertThat(m.deliveries()).isEqualTo(2);
        });
        assertThat(queue.deliverNext(1, 2, next, T0).messageId()).isEqualTo(second);
    }

    @Test
    void fiftyMessagesWaitAtMostAsIotHubsQueue() {
        for (int i = 0; i < CloudToDeviceQueue.MAX_QUEUED; i++) {
            enqueue("m" + i, Map.of());
        }
        assertThatThrownBy(() -> enqueue("51st", Map.of())).isInstanceOfSatisfying(HubServiceException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.errorCode()).isEqualTo(403004);
            assertThat(e.getMessage()).contains("DeviceMaximumQueueDepthExceeded");
        });
        queue.deliverNext(1, 1, connection, T0);
        assertThatThrownBy(() -> enqueue("still full", Map.of())).isInstanceOf(HubServiceException.class);
        queue.acknowledged(1, connection, T0);
        assertThat(enqueue("room again", Map.of())).isNotNull();
    }

    @Test
    void aMessageWaitingPastItsTimeToLiveExpires() {
        String shortLived = queue.enqueue(new byte[0], Map.of(), Duration.ofMinutes(1), T0);
        String longLived = enqueue("later", Map.of());
        assertThat(queue.expire(T0.plusSeconds(59))).isEmpty();
        assertThat(queue.expire(T0.plusSeconds(60))).singleElement().satisfies(m -> {
            assertThat(m.messageId()).isEqualTo(shortLived);
            assertThat(m.state()).isEqualTo(State.EXPIRED);
        });
        assertThat(queue.deliverNext(1, 1, connection, T0.plusSeconds(61)).messageId()).isEqualTo(longLived);
        assertThat(queue.expire(T0.plus(Duration.ofHours(2)))).as("in flight: waits for its PUBACK").isEmpty();
    }

    @Test
    void badMessagesAreRefusedAsTheServiceApiRefusesThem() {
        assertThatThrownBy(() -> queue.enqueue(new byte[CloudToDeviceQueue.MAX_MESSAGE_BYTES], Map.of(), HOUR, T0))
                .isInstanceOfSatisfying(HubServiceException.class, e -> assertThat(e.errorCode()).isEqualTo(413001));
        assertThat(queue.enqueue(new byte[CloudToDeviceQueue.MAX_MESSAGE_BYTES - 200], Map.of(), HOUR, T0))
                .isNotNull();
        assertThatThrownBy(() -> enqueue("x", Map.of("$.to", "/devices/other")))
                .isInstanceOfSatisfying(HubServiceException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(400004);
                    assertThat(e.getMessage()).contains("$.to");
                });
        assertThatThrownBy(() -> enqueue("x", Map.of("iothub-ack", "always"))).hasMessageContaining("iothub-ack");
        assertThatThrownBy(() -> queue.enqueue(new byte[0], Map.of(), Duration.ofDays(3), T0))
                .hasMessageContaining("time to live");
        assertThat(queue.messages()).hasSize(1);
    }
}
