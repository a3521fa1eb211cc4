package io.kuradps.provisioning.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

import io.kuradps.provisioning.kura.KuraReferences;
import io.kuradps.provisioning.testing.Await;

class TransportConnectorTest {

    private static final String TRANSPORT = HubConnectionConfig.RAW_MQTT_TRANSPORT_PID;
    private static final String OTHER_TRANSPORT = TRANSPORT + "-other";

    private final ServiceSet<DataService> dataServices = new ServiceSet<>();
    private final ServiceSet<DataTransportService> transports = new ServiceSet<>();
    private final List<String> losses = new CopyOnWriteArrayList<>();
    /** What Kura did by itself, as told: "lost <connection>: <cause>", "disconnected <n>", "established <n>". */
    private final List<String> told = new CopyOnWriteArrayList<>();
    /** The thread the hub link calls on: the test's own (tests run on a thread of the timeout's). */
    private volatile Thread hubLinkThread;
    private final TransportConnector.KuraConnection kura = new TransportConnector.KuraConnection() {
        @Override
        public void lost(String cause, long connection) {
            losses.add(cause);
            told.add("lost " + connection);
        }

        @Override
        public void disconnected(long connection) {
            told.add("disconnected " + connection);
        }

        @Override
        public void established(long connection) {
            told.add("established " + connection);
        }
    };
    private final TransportConnector connector = new TransportConnector(dataServices, transports, Duration.ZERO,
            () -> Thread.currentThread() == hubLinkThread, kura);
    private final KuraFakes.FakeDataService ours = new KuraFakes.FakeDataService();
    private final KuraFakes.FakeDataService theirs = new KuraFakes.FakeDataService();
    private final DataTransportService transport = transport();

    @Test
    void theDataServiceWhoseTargetSelectsTheTransportIsConnected() throws Exception {
        dataServices.bound(theirs.service, KuraFakes.reference(dataService(OTHER_TRANSPORT)));
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));

        connector.connect(TRANSPORT);

        assertThat(ours.connected).isTrue();
        assertThat(theirs.connects).isZero();
        connector.connect(TRANSPORT);
        assertThat(ours.connects).as("already connected").isEqualTo(1);
        assertThat(ours.listeners).hasSize(1);
    }

    @Test
    void aTargetIsMatchedAgainstTheTransportsPropertiesWhenItIsRegistered() throws Exception {
        transports.bound(transport, transportAt("mqtts://a:8883/"));
        Map<String, Object> properties = dataService(TRANSPORT);
        properties.put(KuraReferences.DATA_TRANSPORT_TARGET, "(&(kura.service.pid=" + TRANSPORT
                + ")(broker-url=mqtts://*))");
        dataServices.bound(ours.service, KuraFakes.reference(properties));

        connector.connect(TRANSPORT);

        assertThat(ours.connected).isTrue();
    }

    @Test
    void withoutADataServiceTheFailureNamesTheTarget() {
        dataServices.bound(theirs.service, KuraFakes.reference(dataService(OTHER_TRANSPORT)));

        assertThatThrownBy(() -> connector.connect(TRANSPORT)).isInstanceOf(HubConnectException.class)
                .hasMessageContaining("DataTransportService.target selecting transport " + TRANSPORT);
    }

    @Test
    void afterAWriteConnectingWaitsUntilTheTransportShowsTheValues() throws Exception {
        TransportConnector patient = new TransportConnector(dataServices, transports, Duration.ofDays(1),
                () -> false, kura);
        transports.bound(transport, transportAt("mqtts://old:8883/"));
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));
        patient.beforeWrite(TRANSPORT, Collections.singletonMap("broker-url", "mqtts://new:8883/"));
        Thread connecting = new Thread(() -> {
            try {
                patient.awaitApplied(TRANSPORT);
                patient.connect(TRANSPORT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "connecting");
        connecting.start();

        // A property update that does not show the write yet (e.g. Kura's own) is not enough: once the connector has
        // read it, it goes back to waiting instead of connecting.
        CountDownLatch read = new CountDownLatch(1);
        transports.updated(transport, readSignalling(transportAt("mqtts://old:8883/"), "broker-url", read));
        assertThat(read.await(10, TimeUnit.SECONDS)).as("the connector read the update").isTrue();
        Await.until("the connector waiting again, or done", () -> connecting.getState() == Thread.State.TIMED_WAITING
                || connecting.getState() == Thread.State.TERMINATED);
        assertThat(connecting.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        assertThat(ours.connects).isZero();
        transports.updated(transport, transportAt("mqtts://new:8883/"));

        connecting.join(Await.DEFAULT_TIMEOUT.toMillis());
        assertThat(connecting.isAlive()).isFalse();
        assertThat(ours.connected).isTrue();
    }

    @Test
    void aTokenOnlyWriteIsShownByTheNextUpdate() throws Exception {
        TransportConnector patient = new TransportConnector(dataServices, transports, Duration.ofDays(1),
                () -> false, kura);
        transports.bound(transport, transportAt("mqtts://a:8883/"));
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));
        patient.beforeWrite(TRANSPORT, Collections.emptyMap());
        transports.updated(transport, transportAt("mqtts://a:8883/"));

        CompletableFuture.runAsync(() -> {
            try {
                patient.connect(TRANSPORT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(ours.connected).isTrue();
    }

    @Test
    void aRefusalIsClassifiedAndARaceKurasReconnectWonIsNoFailure() throws Exception {
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));
        ours.failures.add(new KuraConnectException(new MqttException(MqttException.REASON_CODE_NOT_AUTHORIZED),
                "Cannot connect"));
        assertThatThrownBy(() -> connector.connect(TRANSPORT)).isInstanceOf(HubConnectException.class)
                .satisfies(e -> assertThat(((HubConnectException) e).kind())
                        .isEqualTo(HubConnectException.Kind.NOT_AUTHORIZED));

        ours.runtimeFailures.add(new IllegalStateException("Already connected"));
        ours.connectedByKuraOnFailure = true;
        connector.connect(TRANSPORT);
        assertThat(ours.connected).isTrue();
    }

    @Test
    void aLostConnectionIsToldWithItsCauseAndTheListenerGoesOnClose() throws Exception {
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));
        connector.connect(TRANSPORT);

        ours.lose(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST));

        assertThat(losses).containsExactly("MqttException (reason 32109): Connection lost");
        connector.close();
        assertThat(ours.listeners).isEmpty();
    }

    /**
     * DataServiceImpl tells its listeners on the thread that called it: what the hub link's own calls cause is not
     * told back, what Kura does on its own threads is, with the connection it concerns.
     */
    @Test
    void whatKuraDoesByItselfIsToldWithTheConnectionItConcernsAndWhatTheLinkDidIsNot() throws Exception {
        hubLinkThread = Thread.currentThread();
        dataServices.bound(ours.service, KuraFakes.reference(dataService(TRANSPORT)));
        assertThat(connector.connect(TRANSPORT)).as("the first connection").isEqualTo(1);
        connector.disconnect(TRANSPORT);
        assertThat(connector.connect(TRANSPORT)).isEqualTo(2);
        assertThat(told).as("the link's own disconnect and connects").isEmpty();
        assertThat(ours.quiesces).containsExactly(TransportConnector.QUIESCE_MILLIS);

        onKurasThread(ours::reconfigured);
        onKurasThread(() -> ours.lose(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST)));

        assertThat(told).containsExactly("disconnected 2", "established 3", "lost 3");
        assertThat(connector.isConnected(TRANSPORT)).isFalse();
        assertThat(connector.isConnected(OTHER_TRANSPORT)).as("no DataService drives it").isFalse();
    }

    private static void onKurasThread(Runnable action) throws InterruptedException {
        Thread kura = new Thread(action, "Kura");
        kura.start();
        kura.join(Await.DEFAULT_TIMEOUT.toMillis());
        assertThat(kura.isAlive()).isFalse();
    }

    /** The reference, counting down {@code read} when the property {@code key} is read from it. */
    @SuppressWarnings("unchecked")
    private static <S> ServiceReference<S> readSignalling(ServiceReference<S> reference, String key,
            CountDownLatch read) {
        return (ServiceReference<S>) Proxy.newProxyInstance(TransportConnectorTest.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (proxy, method, args) -> {
                    Object result = method.invoke(reference, args);
                    if (method.getName().equals("getProperty") && key.equals(args[0])) {
                        read.countDown();
                    }
                    return result;
                });
    }

    private static Map<String, Object> dataService(String transportPid) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationService.KURA_SERVICE_PID, transportPid.replace("MqttDataTransport", "DataService"));
        properties.put(KuraReferences.DATA_TRANSPORT_TARGET, KuraReferences.target(transportPid));
        return properties;
    }

    /** The transport's registration with this broker URL. */
    private static ServiceReference<DataTransportService> transportAt(String brokerUrl) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigurationService.KURA_SERVICE_PID, TRANSPORT);
        properties.put("broker-url", brokerUrl);
        return KuraFakes.reference(properties);
    }

    private static DataTransportService transport() {
        return (DataTransportService) Proxy.newProxyInstance(TransportConnectorTest.class.getClassLoader(),
                new Class<?>[] { DataTransportService.class }, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
