package io.kuradps.provisioning.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.provisioning.api.device.DeviceTwinEvents;
import io.kuradps.provisioning.api.device.DirectMethodHandler;
import io.kuradps.provisioning.api.device.MethodResponse;
import io.kuradps.provisioning.kura.HubLinkStatus;
import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.testing.Await;
import io.kuradps.provisioning.testing.Configs;
import io.kuradps.provisioning.testing.Metatype;
import io.kuradps.provisioning.testing.ServiceReferences;

/**
 * The component over fakes of Kura's services, wired as Declarative Services would: it rides the DataService of the
 * transport the hub link names, on its own threads, and is the DeviceTwin service.
 */
class DeviceTwinComponentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSPORT = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    private static final String OTHER_TRANSPORT = TRANSPORT + "-2";

    private final DeviceTwinComponent component = new DeviceTwinComponent();
    private final FakeDataService ours = new FakeDataService();
    private final FakeDataService theirs = new FakeDataService();
    private final ProvisioningFakes.Provisioner provisioner = new ProvisioningFakes.Provisioner();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private boolean active;

    @AfterEach
    void deactivate() {
        if (active) {
            component.deactivate();
        }
    }

    @Test
    void itRidesTheDataServiceOfTheTransportTheHubLinkNamesAndReportsTheProvisioningState() throws Exception {
        wire(null);
        ours.connected = true;
        hubLinkEvent(TRANSPORT);

        Await.until("the twin is read", () -> ours.on("$iothub/twin/GET/").size() == 1);
        assertThat(ours.subscribed).containsExactly("$iothub/methods/POST/#", "$iothub/twin/res/#",
                "$iothub/twin/PATCH/properties/desired/#");
        assertThat(theirs.listeners).isEmpty();
        assertThat(ours.published.get(0).qosAndPriority).isEqualTo("qos 1, priority 1");

        ours.arrive("$iothub/twin/res/200/?$rid=" + ours.on("$iothub/twin/GET/").get(0).rid(),
                "{\"desired\":{\"interval\":30,\"$version\":4},\"reported\":{\"$version\":1}}");
        Await.until("the state is reported", () -> ours.on("$iothub/twin/PATCH/properties/reported/").size() == 1);
        DeviceFakes.Published patch = ours.on("$iothub/twin/PATCH/properties/reported/").get(0);
        JsonNode state = JSON.readTree(patch.body()).get("kuraDps");
        assertThat(state.get("hub").asText()).isEqualTo("hub-a.azure-devices.net");
        assertThat(state.get("bundleVersion").asText()).isEqualTo("1.2.3.qualifier");
        assertThat(patch.body()).doesNotContain("tenantSecret");

        ours.arrive("$iothub/twin/res/204/?$rid=" + patch.rid() + "&$version=2", "");
        Await.until("the service shows what the hub holds", () -> component.reported().isPresent()
                && component.reported().get().version() == 2);
        assertThat(component.desired().get().json()).isEqualTo("{\"interval\":30}");
        Event desired = events.stream().filter(e -> e.getTopic().equals(DeviceTwinEvents.TOPIC_DESIRED))
                .findFirst().get();
        assertThat(desired.getProperty(DeviceTwinEvents.VERSION)).isEqualTo(4L);
        assertThat(desired.getProperty(DeviceTwinEvents.FULL)).isEqualTo(true);
    }

    @Test
    void methodCallsAreAnsweredThroughTheSameDataService() throws Exception {
        wire(null);
        ours.connected = true;
        hubLinkEvent(TRANSPORT);
        Map<String, Object> properties = new HashMap<>();
        properties.put(DirectMethodHandler.METHOD_NAME, "blink");
        component.setMethodHandler(request -> MethodResponse.ok("{\"blinked\":" + request.payloadJson() + "}"),
                ServiceReferences.of(properties));

        ours.arrive("$iothub/methods/POST/blink/?$rid=7", "3");
        ours.arrive("$iothub/methods/POST/kuraDps.status/?$rid=8", "");

        Await.until("both are answered", () -> ours.on("$iothub/methods/res/").size() == 2);
        assertThat(ours.on("$iothub/methods/res/200/?$rid=7").get(0).body()).isEqualTo("{\"blinked\":3}");
        JsonNode status = JSON.readTree(ours.on("$iothub/methods/res/200/?$rid=8").get(0).body());
        assertThat(status.get("state").asText()).isEqualTo("ASSIGNED");
        assertThat(status.get("hubLink").asText()).startsWith("not configured");
    }

    @Test
    void untilTheHubLinkSpeaksItTakesTheTransportFromTheHubLinksConfiguration() throws Exception {
        theirs.connected = true;
        wire(configurationService(Collections.singletonMap(DeviceTwinComponent.HUB_LINK_TRANSPORT_PROPERTY,
                OTHER_TRANSPORT)));
        Await.until("the twin is read on the configured transport's DataService",
                () -> theirs.on("$iothub/twin/GET/").size() == 1);
        assertThat(ours.listeners).isEmpty();

        ours.connected = true;
        hubLinkEvent(TRANSPORT);
        Await.until("it moved to the transport the hub link names", () -> ours.on("$iothub/twin/GET/").size() == 1);
        assertThat(theirs.listeners).isEmpty();
    }

    @Test
    void theHubLinksTransportPropertyIsTheOneItsFormHas() throws Exception {
        assertThat(Metatype.attributes(HubLinkStatus.COMPONENT_PID))
                .containsKey(DeviceTwinComponent.HUB_LINK_TRANSPORT_PROPERTY);
    }

    @Test
    void anotherBundlesReportIsCheckedOnItsThreadAndSentWhenValid() throws Exception {
        wire(null);
        assertThatThrownBy(() -> component.report("kuraDps", "{}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: kuraDps is reserved for this bundle");
        assertThatThrownBy(() -> component.report("firmware", "{broken")).hasMessageStartingWith("valueJson: ");
        assertThatThrownBy(() -> component.report("fw.version", "1")).hasMessageContaining("'fw.version'");

        ours.connected = true;
        hubLinkEvent(TRANSPORT);
        component.report("firmware", "{\"version\":\"1.4.2\"}");
        Await.until("the twin is read", () -> ours.on("$iothub/twin/GET/").size() == 1);
        ours.arrive("$iothub/twin/res/200/?$rid=" + ours.on("$iothub/twin/GET/").get(0).rid(),
                "{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}");
        Await.until("the report is sent", () -> ours.on("$iothub/twin/PATCH/properties/reported/").size() == 1);
        assertThat(JSON.readTree(ours.on("$iothub/twin/PATCH/properties/reported/").get(0).body()).at(
                "/firmware/version").asText()).isEqualTo("1.4.2");
    }

    @Test
    void anInvalidConfigurationLeavesTheSettingsInForce() throws Exception {
        wire(null, Configs.of(DeviceTwinConfig.class, "direct.methods", false));
        component.modified(Configs.of(DeviceTwinConfig.class, "direct.methods", true,
                "desired.configuration.pids", "org.eclipse.kura.clock.ClockService, a pid"));

        ours.connected = true;
        hubLinkEvent(TRANSPORT);

        Await.until("the twin is read", () -> ours.on("$iothub/twin/GET/").size() == 1);
        assertThat(ours.subscribed).as("methods stay off").doesNotContain("$iothub/methods/POST/#");
    }

    @Test
    void deactivationStopsListeningAndLeavesNoThread() throws Exception {
        wire(null);
        ours.connected = true;
        hubLinkEvent(TRANSPORT);
        Await.until("it listens", () -> ours.listeners.size() == 1);

        component.deactivate();
        active = false;

        assertThat(ours.listeners).isEmpty();
        Await.until("no thread of the room is left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("kura-dps device twin") || t.getName().startsWith(
                        "kura-dps method-")));
    }

    // ---- wiring -------------------------------------------------------------------------------------------------

    private void wire(ConfigurationService configurationService) {
        wire(configurationService, Configs.of(DeviceTwinConfig.class));
    }

    private void wire(ConfigurationService configurationService, DeviceTwinConfig config) {
        component.setProvisioning(provisioner);
        component.setEventAdmin(eventAdmin());
        if (configurationService != null) {
            component.setConfigurationService(configurationService);
        }
        component.setDataService(ours.service, dataService(TRANSPORT));
        component.setDataService(theirs.service, dataService(OTHER_TRANSPORT));
        component.activate(bundleContext(), config);
        active = true;
    }

    private void hubLinkEvent(String transportPid) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(HubConnectionEvents.TRANSPORT_PID, transportPid);
        component.handleEvent(new Event(HubConnectionEvents.TOPIC_CONNECTED, properties));
    }

    private static ServiceReference<DataService> dataService(String transportPid) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(KuraReferences.DATA_TRANSPORT_TARGET, KuraReferences.target(transportPid));
        properties.put(ConfigurationService.KURA_SERVICE_PID, transportPid.replace("MqttDataTransport",
                "DataService"));
        return ServiceReferences.of(properties);
    }

    private EventAdmin eventAdmin() {
        return (EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { EventAdmin.class },
                (proxy, method, args) -> {
                    if (method.getName().endsWith("Event")) {
                        events.add((Event) args[0]);
                    }
                    return null;
                });
    }

    private static BundleContext bundleContext() {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(DeviceTwinComponentTest.class.getClassLoader(),
                new Class<?>[] { Bundle.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getVersion")) {
                        return new Version("1.2.3.qualifier");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (BundleContext) Proxy.newProxyInstance(DeviceTwinComponentTest.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getBundle") && args == null) {
                        return bundle;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A ConfigurationService that knows only the hub link's configuration. */
    private static ConfigurationService configurationService(Map<String, Object> hubLink) {
        ComponentConfiguration configuration = (ComponentConfiguration) Proxy.newProxyInstance(
                DeviceTwinComponentTest.class.getClassLoader(), new Class<?>[] { ComponentConfiguration.class },
                (proxy, method, args) -> method.getName().equals("getConfigurationProperties") ? hubLink : null);
        return (ConfigurationService) Proxy.newProxyInstance(DeviceTwinComponentTest.class.getClassLoader(),
                new Class<?>[] { ConfigurationService.class }, (proxy, method, args) -> {
                    if (method.getName().equals("getComponentConfiguration")) {
                        return HubLinkStatus.COMPONENT_PID.equals(args[0]) ? configuration : null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A DataService that records subscriptions and publishes, keeps its listeners and lets a test deliver. */
    private static final class FakeDataService {
        final List<String> subscribed = new CopyOnWriteArrayList<>();
        final List<Publish> published = new CopyOnWriteArrayList<>();
        final List<DataServiceListener> listeners = new CopyOnWriteArrayList<>();
        volatile boolean connected;

        final DataService service = (DataService) Proxy.newProxyInstance(DeviceTwinComponentTest.class
                .getClassLoader(), new Class<?>[] { DataService.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "isConnected":
                            return connected;
                        case "subscribe":
                            subscribed.add((String) args[0]);
                            return null;
                        case "publish":
                            published.add(new Publish((String) args[0], (byte[]) args[1], (Integer) args[2],
                                    (Integer) args[4]));
                            return published.size();
                        case "addDataServiceListener":
                            listeners.add((DataServiceListener) args[0]);
                            return null;
                        case "removeDataServiceListener":
                            listeners.remove(args[0]);
                            return null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "FakeDataService";
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });

        void arrive(String topic, String payload) {
            for (DataServiceListener listener : listeners) {
                listener.onMessageArrived(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
            }
        }

        List<DeviceFakes.Published> on(String prefix) {
            List<DeviceFakes.Published> matching = new ArrayList<>();
            for (Publish publish : published) {
                if (publish.published.topic.startsWith(prefix)) {
                    matching.add(publish.published);
                }
            }
            return matching;
        }
    }

    private static final class Publish {
        final DeviceFakes.Published published;
        final String qosAndPriority;

        Publish(String topic, byte[] payload, int qos, int priority) {
            this.published = new DeviceFakes.Published(topic, payload);
            this.qosAndPriority = "qos " + qos + ", priority " + priority;
        }
    }
}
