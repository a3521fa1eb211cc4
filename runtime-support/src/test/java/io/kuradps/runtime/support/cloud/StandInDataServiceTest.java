package io.kuradps.runtime.support.cloud;

import static io.kuradps.runtime.support.cloud.SimulatedHub.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Kura 5.5's DataService as the stand-in reproduces it, over a transport without a network and a fake clock: the rate
 * limit of its metatype defaults, and which listeners it calls.
 */
class StandInDataServiceTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FakeTransport transport = new FakeTransport();
    private final StandInDataService dataService = new StandInDataService(this.transport, this.nanos::get);

    private boolean activated;

    @AfterEach
    void deactivate() {
        if (this.activated) {
            this.dataService.deactivate();
        }
    }

    private void activate(Map<String, Object> properties) {
        this.dataService.activate(properties);
        this.activated = true;
    }

    /** What RawMqttCloudConnectionFactory gives the DataService of a new stack: its target, the rest defaults. */
    private void activateAsTheFactoryCreatesIt() throws Exception {
        Map<String, Object> properties = new HashMap<>(metatypeDefaults("org.eclipse.kura.data.DataService"));
        properties.put("DataTransportService.target",
                "(kura.service.pid=org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport)");
        activate(properties);
    }

    @Test
    void theMetatypeDefaultsAreKurasNoAutoConnectAndOneMessagePerSecondBurstOne() throws Exception {
        assertThat(metatypeDefaults("org.eclipse.kura.data.DataService"))
                .containsEntry("connect.auto-on-startup", false).containsEntry("enable.rate.limit", true)
                .containsEntry("rate.limit.average", 1).containsEntry("rate.limit.time.unit", "SECONDS")
                .containsEntry("rate.limit.burst.size", 1);
    }

    @Test
    void aStackAsTheFactoryCreatesItDoesNotConnectByItself() throws Exception {
        activateAsTheFactoryCreatesIt();

        assertThat(this.dataService.isAutoConnectEnabled()).isFalse();
        assertThat(this.transport.isConnected()).isFalse();
    }

    /**
     * One token a second: the first telemetry message goes at once, the next waits for the clock; a message of a
     * lower priority number (lifecycle, control) is never held back.
     */
    @Test
    void theRateLimitHoldsBackTelemetryToOneMessagePerSecondAndLetsLowerPriorityNumbersPass() throws Exception {
        activateAsTheFactoryCreatesIt();
        this.dataService.connect();

        this.dataService.publish("telemetry/1", bytes("1"), 1, false, 5);
        this.dataService.publish("telemetry/2", bytes("2"), 1, false, 5);
        assertThat(this.transport.awaitPublished(1, WAIT)).isTrue();
        this.dataService.publish("control", bytes("c"), 1, false, 1);

        assertThat(this.transport.awaitPublished(2, WAIT)).isTrue();
        assertThat(this.transport.published).containsExactly("telemetry/1", "control");
        this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(this.transport.awaitPublished(3, WAIT)).isTrue();
        assertThat(this.transport.published).containsExactly("telemetry/1", "control", "telemetry/2");
    }

    @Test
    void withoutTheRateLimitEveryMessageGoesAtOnce() throws Exception {
        activate(Map.of("enable.rate.limit", false));
        this.dataService.connect();

        for (int i = 1; i <= 5; i++) {
            this.dataService.publish("telemetry/" + i, bytes("x"), 0, false, 5);
        }

        assertThat(this.transport.awaitPublished(5, WAIT)).isTrue();
    }

    /** Kura calls listener services of the deprecated type only, then the listeners added through its API. */
    @Test
    @SuppressWarnings("deprecation")
    void aListenerServiceOfTheDeprecatedTypeIsCalledBeforeTheAddedOnes() throws Exception {
        RecordingListener added = new RecordingListener();
        StringBuilder service = new StringBuilder();
        activate(Map.of());
        this.dataService.addDataServiceListener(added);
        this.dataService.addServiceListener(new DeprecatedRecording(added, service));

        this.dataService.connect();

        assertThat(service).hasToString("established; the added listener had heard [] ");
        assertThat(added.events).containsExactly("established");
    }

    /** The whiteboard Kura's DataService declares: the deprecated type only, so the current one is not even seen. */
    @Test
    void onlyTheDeprecatedListenerTypeIsLookedUpAsAService() throws Exception {
        Document component = xml("OSGI-INF/org.eclipse.kura.data.DataService.xml");
        NodeList references = component.getElementsByTagName("reference");
        StringBuilder interfaces = new StringBuilder();
        for (int i = 0; i < references.getLength(); i++) {
            interfaces.append(((Element) references.item(i)).getAttribute("interface")).append(' ');
        }

        assertThat(interfaces.toString()).contains("org.eclipse.kura.data.DataServiceListener ")
                .doesNotContain("org.eclipse.kura.data.listener.DataServiceListener");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The typed defaults of the stand-in's metatype for that OCD, as Kura's ConfigurationService seeds them. */
    static Map<String, Object> metatypeDefaults(String ocd) throws Exception {
        Map<String, Object> defaults = new HashMap<>();
        NodeList attributes = xml("OSGI-INF/metatype/" + ocd + ".xml").getElementsByTagName("AD");
        for (int i = 0; i < attributes.getLength(); i++) {
            Element attribute = (Element) attributes.item(i);
            String value = attribute.getAttribute("default");
            switch (attribute.getAttribute("type")) {
            case "Boolean":
                defaults.put(attribute.getAttribute("id"), Boolean.valueOf(value));
                break;
            case "Integer":
                defaults.put(attribute.getAttribute("id"), Integer.valueOf(value));
                break;
            default:
                defaults.put(attribute.getAttribute("id"), value);
            }
        }
        return defaults;
    }

    private static Document xml(String resource) throws Exception {
        try (InputStream in = StandInDataServiceTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path (bnd writes it at process-classes)");
            }
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    /** A listener service of the type Kura still looks up. */
    @SuppressWarnings("deprecation")
    private static final class DeprecatedRecording implements org.eclipse.kura.data.DataServiceListener {

        private final RecordingListener added;
        private final StringBuilder heard;

        DeprecatedRecording(RecordingListener added, StringBuilder heard) {
            this.added = added;
            this.heard = heard;
        }

        @Override
        public void onConnectionEstablished() {
            this.heard.append("established; the added listener had heard ").append(this.added.events).append(' ');
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
