package io.kuradps.itest;

import static io.kuradps.provisioning.api.ProvisioningEvents.CERTIFICATE_FINGERPRINT;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.KuraConfigReadyEvent;
import org.eclipse.kura.data.DataService;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.runtime.support.ssl.StandInSslManagerService;
import io.kuradps.runtime.support.standin.StandInRegistrar;
import io.kuradps.runtime.support.system.StandInSystemService;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.HubCounters;

/**
 * Issue 12's last step on a gateway with Kura's ConfigurationService, SslManagerService and raw MQTT cloud connection
 * (runtime-support's stand-ins): a symmetric-key enrollment with a credential policy gets its certificate, the
 * operator enables the hub link and does nothing else, and the simulated hub accepts the gateway's telemetry
 * authenticated by that certificate; the hub link made the SslManagerService over the certificate's keystore itself.
 * A renewal is no hub move: the transport keeps its values and nobody asks DPS for anything but the renewal.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CertificateHubIT extends SimulatedDpsSupport {

    private static final String KEYSTORE_PID = "DeviceKeystore";
    /** The SslManagerService the hub link names after the keystore (bundle/README.md, "The hub link"). */
    private static final String SSL_MANAGER_PID = KEYSTORE_PID + "-SslManagerService";
    private static final String ALIAS = "dps-device";
    private static final String HUB_CONNECTION_PID = "io.kuradps.provisioning.HubConnection";
    private static final String TRANSPORT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    private static final String DATA_SERVICE_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.DataService";
    private static final String ISSUED_CERTIFICATE = "X.509, certificate issued by DPS";

    /** READY is posted once per framework, as Kura's web console does when it starts after the add-on. */
    private static boolean readyPosted;

    private org.osgi.service.cm.Configuration keystoreConfiguration;
    private ServiceRegistration<?> socketRoute;
    private ServiceRegistration<EventHandler> hubEventRecorder;
    private final List<Event> hubEvents = Collections.synchronizedList(new ArrayList<>());

    /**
     * Kura's ConfigurationService, SSL and cloud connection stand-ins for this framework only, over a Kura data
     * directory of its own (framework properties: no other IT's framework gets them).
     */
    @Override
    @Configuration
    public Option[] configuration() {
        Path dataDirectory;
        try {
            Path parent = Files.createDirectories(Paths.get(System.getProperty("kuradps.kura.data.parent")));
            dataDirectory = Files.createTempDirectory(parent, KuraStack.NAME + "-CertificateHubIT-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] { composite(super.configuration()),
            frameworkProperty(StandInSystemService.DATA_DIRECTORY_PROPERTY).value(dataDirectory.toString()),
            frameworkProperty(StandInRegistrar.CONFIGURATION_PROPERTY).value("true"),
            frameworkProperty(StandInRegistrar.SSL_PROPERTY).value("true"),
            frameworkProperty(StandInRegistrar.CLOUD_CONNECTION_PROPERTY).value("true") };
    }

    /** With the IoT hub endpoint on an ephemeral loopback port. */
    @Override
    protected DpsSimulator startSimulator(UnaryOperator<DpsSimulator.Builder> customise) {
        return super.startSimulator(builder -> customise.apply(builder.hubPort(0)));
    }

    /**
     * The simulator's socket route (runtime-support/README.md) and the keystore an integrator names in
     * {@code certificate.keystore.service.pid}: empty but for the CA the hub's server certificate chains to, as a
     * gateway's must trust the hub's root (against Azure, {@code azure.root.cas} adds those).
     */
    @Before
    public void reachTheHubAndCreateTheDeviceKeystore() throws Exception {
        routeToTheSimulatedHubs();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, HubConnectionEvents.TOPIC_ALL);
        hubEventRecorder = context.registerService(EventHandler.class, hubEvents::add, topics);

        KeyStore keystore = FileKeystoreInstance.empty();
        keystore.setCertificateEntry("dps-simulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII))));
        keystoreConfiguration = FileKeystoreInstance.create(configurationAdmin,
                workDirectory.resolve("device-keystore.p12"), keystore, KEYSTORE_PID);
    }

    @After
    public void disableTheHubLinkAndDeleteTheKeystore() throws Exception {
        try {
            ConfigurationService kura = kuraService(ConfigurationService.class);
            if (kura.getConfigurableComponentPids().contains(HUB_CONNECTION_PID)) {
                kura.updateConfiguration(HUB_CONNECTION_PID, new HashMap<>(Collections.singletonMap("enabled", false)), false);
            }
            keystoreConfiguration.delete();
        } finally {
            socketRoute.unregister();
            hubEventRecorder.unregister();
        }
    }

    @Test
    public void aSymmetricKeyEnrollmentEndsInAHubConnectionByTheIssuedCertificate() throws Exception {
        String deviceId = "gw-cert-hub";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        individual(deviceId, key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);
        awaitAssigned(deviceId);
        enableTheHubLink();

        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        publishAndAwaitAccepted(deviceId, "first");

        Map<String, Object> transport = kuraConfiguration(TRANSPORT_PID);
        assertEquals("(kura.service.pid=" + SSL_MANAGER_PID + ")", transport.get("SslManagerService.target"));
        assertEquals(HUB_A + "/" + deviceId + "/?api-version=2021-04-12", transport.get("username"));
        Object password = transport.get("password");
        assertTrue("no password for X.509: " + (password == null ? "none" : "one of " + password.toString().length()
                + " characters"), password == null || password.toString().isEmpty());
        assertEquals("(kura.service.pid=" + KEYSTORE_PID + ")",
                kuraConfiguration(SSL_MANAGER_PID).get("KeystoreService.target"));
        assertTrue("the hub saw " + simulator.hub().counters().events(deviceId), simulator.hub().counters()
                .events(deviceId).stream().filter(e -> e.kind() == HubCounters.EventKind.CONNECTED)
                .allMatch(e -> e.detail().endsWith(ISSUED_CERTIFICATE)));
    }

    @Test
    public void aRenewedCertificateKeepsTheTransportAndAsksDpsForNothingElse() throws Exception {
        simulator.close();
        // Ten seconds of validity: the renewal point is halfway, five seconds after each assignment.
        simulator = startSimulator(b -> b.issuedCertificateValidity(Duration.ofSeconds(10)));
        socketRoute.unregister();
        routeToTheSimulatedHubs();
        trustTheNewSimulator();
        String deviceId = "gw-cert-renewed";
        String key = enrollIndividual(deviceId, e -> e.withIotHubs(HUB_A).withCertificateIssuance(true));

        individual(deviceId, key).requestingACertificate(KEYSTORE_PID, ALIAS).applyTo(configurationAdmin);
        Event first = awaitAssigned(deviceId);
        enableTheHubLink();
        awaitConnectedByTheIssuedCertificate(deviceId, 1);
        publishAndAwaitAccepted(deviceId, "before the renewal");
        Map<String, Object> before = kuraConfiguration(TRANSPORT_PID);
        long connectsBefore = simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED);

        Event renewed = awaitAssigned(deviceId);
        assertNotEquals(first.getProperty(CERTIFICATE_FINGERPRINT), renewed.getProperty(CERTIFICATE_FINGERPRINT));
        publishAndAwaitAccepted(deviceId, "after the renewal");

        Map<String, Object> after = kuraConfiguration(TRANSPORT_PID);
        for (String id : new String[] { "broker-url", "client-id", "username", "SslManagerService.target" }) {
            assertEquals(id, before.get(id), after.get(id));
        }
        synchronized (hubEvents) {
            assertTrue("no re-provisioning: " + hubEvents, hubEvents.stream()
                    .noneMatch(e -> Boolean.TRUE.equals(e.getProperty(HubConnectionEvents.REPROVISIONING))));
        }
        System.out.println("CertificateHubIT: the hub admitted " + deviceId + " "
                + (simulator.hub().counters().count(deviceId, HubCounters.EventKind.CONNECTED) - connectsBefore)
                + " more time(s) by 'after the renewal'; events: " + simulator.hub().counters().events(deviceId));
    }

    /** The hub names DPS assigns reach the running simulator's hub endpoint on loopback. */
    private void routeToTheSimulatedHubs() {
        Hashtable<String, Object> route = new Hashtable<>();
        route.put(StandInSslManagerService.SOCKET_ROUTE_PROPERTY, true);
        UnaryOperator<SSLSocketFactory> toTheHubs = simulator.hub()::socketFactory;
        socketRoute = context.registerService(UnaryOperator.class, toTheHubs, route);
    }

    /**
     * The operator's one step after provisioning: {@code enabled}, through Kura's ConfigurationService as the web UI
     * writes it; every other field keeps its default (a raw MQTT stack is created, no Azure roots: the simulator's
     * CA is in the keystore already).
     */
    private void enableTheHubLink() throws Exception {
        Await.until("the hub link runs", STEP, () -> !references("(objectClass=io.kuradps.provisioning.hub"
                + ".HubLinkStatus)").isEmpty());
        if (!readyPosted) {
            // Without it the hub link waits out its READY bound before it creates the stack (bundle/README.md).
            kuraService(EventAdmin.class).postEvent(new KuraConfigReadyEvent(Collections.<String, Object>emptyMap()));
            readyPosted = true;
        }
        ConfigurationService kura = kuraService(ConfigurationService.class);
        Await.until("Kura tracks the hub link", STEP,
                () -> kura.getConfigurableComponentPids().contains(HUB_CONNECTION_PID));
        Map<String, Object> enabled = new HashMap<>();
        enabled.put("enabled", true);
        kura.updateConfiguration(HUB_CONNECTION_PID, enabled, false);
    }

    private void awaitConnectedByTheIssuedCertificate(String deviceId, long times) {
        Await.until(deviceId + " is admitted by the issued certificate " + times + " time(s); the hub saw "
                + simulator.hub().counters().events(deviceId) + ", the hub link said " + hubEvents, STEP,
                () -> simulator.hub().counters().events(deviceId).stream()
                        .filter(e -> e.kind() == HubCounters.EventKind.CONNECTED
                                && e.detail().endsWith(ISSUED_CERTIFICATE))
                        .count() >= times);
    }

    /** Publishes through Kura's DataService (QoS 1) and waits until the hub has accepted it from the device. */
    private void publishAndAwaitAccepted(String deviceId, String payload) throws Exception {
        long before = simulator.hub().counters().telemetry(deviceId);
        DataService dataService = context.getService(
                service(DataService.class, "(kura.service.pid=" + DATA_SERVICE_PID + ")"));
        dataService.publish("devices/" + deviceId + "/messages/events/", payload.getBytes(StandardCharsets.UTF_8), 1,
                false, 5);
        assertTrue("the hub accepted '" + payload + "'; it saw " + simulator.hub().counters().events(deviceId),
                simulator.hub().counters().await(deviceId, HubCounters.EventKind.TELEMETRY, before + 1, STEP));
    }

    /** The keystore of this test trusts the simulator started in @Before; this test started another. */
    private void trustTheNewSimulator() throws Exception {
        org.eclipse.kura.security.keystore.KeystoreService keystore = context.getService(service(
                org.eclipse.kura.security.keystore.KeystoreService.class, "(kura.service.pid=" + KEYSTORE_PID + ")"));
        keystore.setEntry("dps-simulator-ca", new KeyStore.TrustedCertificateEntry(CertificateFactory
                .getInstance("X.509").generateCertificate(new ByteArrayInputStream(
                        simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII)))));
    }

    /** A configuration as Kura's ConfigurationService gives it (Password values decrypted). */
    private Map<String, Object> kuraConfiguration(String pid) throws Exception {
        ComponentConfiguration configuration = kuraService(ConfigurationService.class).getComponentConfiguration(pid);
        assertNotNull("Kura tracks " + pid, configuration);
        return configuration.getConfigurationProperties();
    }

    private <T> T kuraService(Class<T> type) {
        return context.getService(service(type, null));
    }

    /** The best service of that type matching the filter, once there is one; fails after {@link #STEP}. */
    private <T> ServiceReference<T> service(Class<T> type, String filter) {
        Await.until(type.getSimpleName() + (filter == null ? "" : " " + filter) + " is registered", STEP, () -> {
            try {
                return !context.getServiceReferences(type, filter).isEmpty();
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
        });
        try {
            Collection<ServiceReference<T>> found = context.getServiceReferences(type, filter);
            return found.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    private List<ServiceReference<?>> references(String filter) {
        try {
            ServiceReference<?>[] found = context.getServiceReferences((String) null, filter);
            List<ServiceReference<?>> list = new ArrayList<>();
            if (found != null) {
                Collections.addAll(list, found);
            }
            return list;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }
}
