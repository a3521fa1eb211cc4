package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_MISCONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_REFUSED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.KuraConfigReadyEvent;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.data.DataTransportService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KuraReferences;

/**
 * The component over fakes of Kura's services, wired as Declarative Services would: from an empty configuration to
 * a connected DataService, through the raw MQTT factory, ConfigurationService and the transport's update.
 */
class HubConnectionComponentTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String DATA_SERVICE = "org.eclipse.kura.cloudconnection.raw.mqtt.DataService";
    private static final String HUB = "hub-a.azure-devices.net";

    private final HubConnectionComponent component = new HubConnectionComponent();
    private final KuraFakes.Configurations configurations = new KuraFakes.Configurations();
    private final KuraFakes.FakeDataService dataService = new KuraFakes.FakeDataService();
    private final DataTransportService transport = inert(DataTransportService.class);
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> endpointsCreated = new ArrayList<>();
    private final Credentials credentials = new Credentials();
    private final Provisioning provisioning = new Provisioning();
    private boolean active;

    @AfterEach
    void stop() {
        if (active) {
            component.deactivate();
        }
    }

    @Test
    void fromAnEmptyConfigurationTheCreatedStackIsWrittenThroughKuraAndConnected() throws Exception {
        start(HubConfigs.of("enabled", true));

        Event configured = next(TOPIC_CONFIGURED);
        next(TOPIC_CONNECTED);

        assertThat(endpointsCreated).containsExactly(RawMqttStack.ENDPOINT_PID);
        KuraFakes.Update write = configurations.lastUpdate();
        assertThat(write.pid).isEqualTo(TRANSPORT);
        assertThat(write.snapshot).isTrue();
        assertThat(write.properties).containsEntry("broker-url", "mqtts://" + HUB + ":8883/")
                .containsEntry("client-id", "gw-1").containsEntry("lwt.topic", "");
        assertThat(write.properties.get("password")).isInstanceOf(Password.class);
        assertThat(write.properties.get("password").toString()).startsWith("SharedAccessSignature sr=" + HUB);
        assertThat(dataService.connected).isTrue();
        assertThat(dataService.listeners).hasSize(1);
        assertThat(configured.getPropertyNames()).doesNotContain("password");
        assertThat(component.describe()).startsWith("CONNECTED: hub " + HUB + " as gw-1").doesNotContain("sig=");
    }

    @Test
    void aRefusedConnectIsClassifiedAndReported() throws Exception {
        dataService.failures.add(new org.eclipse.kura.KuraConnectException(
                new org.eclipse.paho.client.mqttv3.MqttException(ConnectFailures.NOT_AUTHORIZED), "Cannot connect"));
        start(HubConfigs.of("enabled", true));

        Event refused = next(TOPIC_REFUSED);

        assertThat((String) refused.getProperty(ERROR_MESSAGE)).contains("CONNACK 5");
        assertThat(component.describe()).startsWith("REFUSED");
    }

    @Test
    void x509OnKurasDefaultSslManagerServiceIsRefusedNamingWhatToSet() throws Exception {
        credentials.kind = DeviceCredentials.Kind.X509;
        start(HubConfigs.of("enabled", true));

        Event refused = next(TOPIC_MISCONFIGURED);

        assertThat((String) refused.getProperty(ERROR_MESSAGE)).startsWith("SslManagerService.target of transport "
                + TRANSPORT).contains("Kura's default SslManagerService");
        assertThat(dataService.connects).isZero();
    }

    @Test
    void anInvalidConfigurationIsReportedNamingTheField() throws Exception {
        start(HubConfigs.of("enabled", true, "transport", "udp"));

        Event refused = next(TOPIC_MISCONFIGURED);

        assertThat((String) refused.getProperty(ERROR_MESSAGE)).startsWith("invalid configuration: transport:");
        assertThat(configurations.updates).isEmpty();
    }

    private void start(HubConnectionConfig config) {
        configurations.applied = (pid, properties) -> {
            if (TRANSPORT.equals(pid)) {
                component.updatedTransport(transport, KuraFakes.reference(properties));
            }
        };
        component.setConfigurationService(configurations.service);
        component.setCredentials(credentials);
        component.setEventAdmin(eventAdmin());
        component.setRawMqttFactory(factory());
        component.setProvisioning(provisioning);
        component.activate(config);
        active = true;
        component.handleEvent(new KuraConfigReadyEvent(Collections.emptyMap()));
    }

    /** The next event of the hub link on that topic; fails after 10 s without one. */
    private Event next(String topic) throws InterruptedException {
        while (true) {
            Event event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("an event on " + topic).isNotNull();
            for (String name : event.getPropertyNames()) {
                assertThat(String.valueOf(event.getProperty(name))).doesNotContain("sig=");
            }
            if (event.getTopic().equals(topic)) {
                return event;
            }
        }
    }

    /** Kura's raw MQTT factory: makes the stack's configurations; DS then registers transport and DataService. */
    private CloudConnectionFactory factory() {
        return (CloudConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { CloudConnectionFactory.class }, (proxy, method, args) -> {
                    if (!method.getName().equals("createConfiguration")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    endpointsCreated.add((String) args[0]);
                    Map<String, Object> defaults = new HashMap<>();
                    defaults.put("lwt.topic", "$EDC/#account-name/#client-id/MQTT/LWT");
                    defaults.put("clean-session", true);
                    defaults.put(KuraReferences.SSL_MANAGER_TARGET, KuraReferences.DEFAULT_SSL_MANAGER_TARGET);
                    configurations.create(TRANSPORT, defaults);
                    component.setTransport(transport, KuraFakes.reference(configurations.tracked.get(TRANSPORT)));
                    Map<String, Object> dataServiceProperties = new HashMap<>();
                    dataServiceProperties.put(ConfigurationService.KURA_SERVICE_PID, DATA_SERVICE);
                    dataServiceProperties.put(KuraReferences.DATA_TRANSPORT_TARGET, KuraReferences.target(TRANSPORT));
                    component.setDataService(dataService.service, KuraFakes.reference(dataServiceProperties));
                    return null;
                });
    }

    private EventAdmin eventAdmin() {
        return (EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { EventAdmin.class },
                (proxy, method, args) -> {
                    events.add((Event) args[0]);
                    return null;
                });
    }

    private static <T> T inert(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(HubConnectionComponentTest.class.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return type.getSimpleName();
                    }
                    throw new UnsupportedOperationException(method.getName());
                }));
    }

    private static final class Credentials implements DeviceCredentials {
        volatile Kind kind = Kind.SYMMETRIC_KEY;

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public Optional<String> hubToken(String hub, String deviceId, long expiryEpochSeconds) {
            return Optional.of("SharedAccessSignature sr=" + hub + "%2Fdevices%2F" + deviceId + "&sig=x&se="
                    + expiryEpochSeconds);
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public boolean reprovisionsOnHubError() {
            return true;
        }
    }

    private static final class Provisioning implements DpsProvisioning {
        final Assignment assignment = Assignment.builder().assignedHub(HUB).deviceId("gw-1").registrationId("gw-1")
                .idScope("0ne00000001").assignedAt(Instant.parse("2026-12-01T08:00:00Z"))
                .source(Assignment.Source.DPS).build();

        @Override
        public Optional<Assignment> currentAssignment() {
            return Optional.of(assignment);
        }

        @Override
        public ProvisioningStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reprovision() {
        }
    }
}
