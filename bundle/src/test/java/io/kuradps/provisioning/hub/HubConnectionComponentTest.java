package io.kuradps.provisioning.hub;

import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_CONNECTED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_MISCONFIGURED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOKEN_EXPIRY;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_REFUSED;
import static io.kuradps.provisioning.api.HubConnectionEvents.TOPIC_TOKEN_RENEWED;
import static io.kuradps.provisioning.api.ProvisioningEvents.ERROR_MESSAGE;
import static io.kuradps.provisioning.api.ProvisioningEvents.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.Password;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.security.keystore.KeystoreChangedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.Assignment;
import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.kura.DeviceCredentials;
import io.kuradps.provisioning.kura.KeystoreKey;
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
    /** ConfigAdmin's update thread: Kura's transport and DataService act on a write there, not on the writer's. */
    private final ExecutorService configAdmin = Executors.newSingleThreadExecutor();
    private boolean active;

    @AfterEach
    void stop() {
        if (active) {
            component.deactivate();
        }
        configAdmin.shutdownNow();
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

    // ---- Kura 5.5 as measured (kura.md, "Measured in real Kura 5.5") ----------------------------------------------

    /**
     * A headless Kura never posts READY (fact 2), and the stack the hub link creates is tracked from the factory's
     * call on: from enabling the link to CONNECTED there is nothing to wait for (measured before: the whole 30 s
     * READY bound).
     */
    @Test
    void onAHeadlessKuraTheCreatedStackIsConnectedWithoutWaitingForReady() throws Exception {
        long enabled = System.nanoTime();
        start(HubConfigs.of("enabled", true));

        next(TOPIC_CONNECTED, Duration.ofSeconds(5));

        System.out.printf("[figures] headless: enabled -> CONNECTED in %d ms%n",
                (System.nanoTime() - enabled) / 1_000_000);
    }

    /** Kura's boot re-writes the configuration with the same values about 200 ms after activate (fact 1). */
    @Test
    void aModifiedWithTheSameValuesWritesNoTokenAndCostsNoReconnect() throws Exception {
        HubConnectionConfig config = HubConfigs.of("enabled", true);
        start(config);
        next(TOPIC_CONNECTED);
        int writes = configurations.updates.size();
        int established = dataService.established;

        component.modified(HubConfigs.of("enabled", true));
        // A change of the assignment's source only, which comes next at a boot, is no change for the link either.
        provisioning.assignment = provisioning.assignment.withSource(Assignment.Source.CACHE);
        component.updatedProvisioning(provisioning);
        component.modified(HubConfigs.of("enabled", true, "token.lifetime.seconds", 1800));

        Event renewed = next(TOPIC_CONFIGURED);
        assertThat((Long) renewed.getProperty(TOKEN_EXPIRY) - (Long) renewed.getProperty(TIMESTAMP))
                .as("the real change's token").isGreaterThan(1700_000L).isLessThanOrEqualTo(1800_000L);
        next(TOPIC_CONNECTED);
        assertThat(configurations.updates.subList(writes, configurations.updates.size()))
                .as("one write: the real change's").hasSize(1);
        assertThat(dataService.established).as("one reconnect: the real change's").isEqualTo(established + 1);
    }

    /** The DataService settings of the stack the hub link creates: not Kura's 1 message/s (fact 7). */
    @Test
    void theCreatedStacksDataServiceTakesTheHubLinksSettingsBeforeItConnects() throws Exception {
        start(HubConfigs.of("enabled", true));
        next(TOPIC_CONNECTED);

        assertThat(configurations.tracked.get(DATA_SERVICE)).containsEntry("connect.auto-on-startup", false)
                .containsEntry("enable.rate.limit", true).containsEntry("rate.limit.average", 100)
                .containsEntry("rate.limit.time.unit", "SECONDS").containsEntry("rate.limit.burst.size", 100);
        assertThat(dataService.established).isEqualTo(1);
    }

    /**
     * A renewal: Kura's DataService reconnects by itself after a write to a connected transport (fact 10), and its
     * reconnect may fail ("Client is currently disconnecting (32102)") or hang 30 s. The link disconnects first, so
     * only it connects again, once, with the token it wrote.
     */
    @Test
    void aRenewalCostsOneReconnectMadeByTheHubLinkAlone() throws Exception {
        start(HubConfigs.of("enabled", true, "token.lifetime.seconds", 10, "token.renewal.percent", 50));
        next(TOPIC_CONNECTED);

        next(TOPIC_TOKEN_RENEWED);
        next(TOPIC_CONNECTED);

        assertThat(dataService.reconnectsByKura).as("Kura's own reconnects after the write").isZero();
        assertThat(dataService.established).as("connections: the first, the renewal's").isEqualTo(2);
        assertThat(dataService.connected).isTrue();
    }

    /**
     * A keystore change: Kura's SslManagerService closes the transport, reconnects nothing and tells no listener
     * (fact 3). The link hears the event, sees the connection go and connects again.
     */
    @Test
    void aTransportKuraClosedAfterAKeystoreChangeIsConnectedAgain() throws Exception {
        start(HubConfigs.of("enabled", true));
        next(TOPIC_CONNECTED);

        component.handleEvent(new KeystoreChangedEvent("SSLKeystore"));
        dataService.cut();

        next(TOPIC_CONNECTED, Duration.ofSeconds(5));
        assertThat(dataService.connected).isTrue();
        assertThat(dataService.established).isEqualTo(2);
    }

    /** Someone else wrote the transport and Kura's own reconnect failed: the link connects, once. */
    @Test
    void aTransportSomeoneElseReconfiguredIsConnectedAgainWhenKurasReconnectFails() throws Exception {
        start(HubConfigs.of("enabled", true));
        next(TOPIC_CONNECTED);

        dataService.failures.add(new org.eclipse.kura.KuraConnectException(
                new org.eclipse.paho.client.mqttv3.MqttException(32102), "Cannot connect"));
        configAdmin.submit(dataService::reconfigured).get(10, TimeUnit.SECONDS);

        next(TOPIC_CONNECTED, Duration.ofSeconds(5));
        assertThat(dataService.connected).isTrue();
    }

    /**
     * Activates the component on a Kura without web console: nobody posts READY (kura.md fact 2). A write of the
     * transport reaches it on ConfigAdmin's thread, as on Kura: its DataService disconnects and, if it was connected,
     * connects again by itself (fact 10); then Declarative Services update the transport's service properties.
     */
    private void start(HubConnectionConfig config) {
        configurations.applied = (pid, properties) -> {
            if (TRANSPORT.equals(pid)) {
                configAdmin.execute(() -> {
                    dataService.reconfigured();
                    component.updatedTransport(transport, KuraFakes.reference(properties));
                });
            }
        };
        component.setConfigurationService(configurations.service);
        component.setCredentials(credentials);
        component.setEventAdmin(eventAdmin());
        component.setRawMqttFactory(factory());
        component.setProvisioning(provisioning);
        component.activate(config);
        active = true;
    }

    /** The next event of the hub link on that topic; fails after 10 s without one. */
    private Event next(String topic) throws InterruptedException {
        return next(topic, Duration.ofSeconds(10));
    }

    /** The next event of the hub link on that topic; fails without one within {@code within}. */
    private Event next(String topic, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
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
                    Map<String, Object> dataServiceProperties = KuraFakes.dataServiceDefaults();
                    dataServiceProperties.put(KuraReferences.DATA_TRANSPORT_TARGET, KuraReferences.target(TRANSPORT));
                    configurations.create(DATA_SERVICE, dataServiceProperties);
                    component.setDataService(dataService.service,
                            KuraFakes.reference(configurations.tracked.get(DATA_SERVICE)));
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
        public Optional<KeystoreKey> enrollmentKey() {
            return Optional.empty();
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
        volatile Assignment assignment = Assignment.builder().assignedHub(HUB).deviceId("gw-1").registrationId("gw-1")
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
