package io.kuradps.itest;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLSocketFactory;

import org.eclipse.kura.cloudconnection.factory.CloudConnectionFactory;
import org.eclipse.kura.configuration.ComponentConfiguration;
import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.configuration.KuraConfigReadyEvent;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.security.keystore.KeystoreService;
import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.kura.system.SystemService;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.kuradps.provisioning.api.DpsProvisioning;
import io.kuradps.provisioning.api.HubConnectionEvents;
import io.kuradps.provisioning.api.ProvisioningStatus;
import io.kuradps.provisioning.api.ProvisioningEvents;

import io.kuradps.runtime.support.ssl.StandInSslManagerService;
import io.kuradps.simulator.DpsSimulator;
import io.kuradps.simulator.HubCounters.EventKind;

/**
 * The hub world: {@link SimulatedDpsSupport}'s simulator with its IoT hub endpoint, on a gateway that runs Kura's own
 * ConfigurationService, SslManagerService with a file keystore, and raw MQTT cloud connection (runtime-support's
 * stand-ins, {@link KuraStack#kuraCloudServices}). The gateway's default SslManagerService and keystore carry
 * Kura's {@code snapshot_0.xml} names and are made once per framework through the ConfigurationService; every test
 * puts its simulator's CA into that keystore (as a gateway's must trust Azure's roots) and registers the
 * simulator's socket route, which takes the hub names DPS assigns to the hub endpoint on loopback (the name service
 * of the test JVM knows only loopback names: {@code -Djdk.net.hosts.file} in the pom). Kura seeds the defaults of the
 * provisioning bundle's PIDs at its start, so the provisioner and the hub link run from then on; between tests they
 * are switched off, not deleted (as Kura's web UI does), and every raw MQTT stack is deleted.
 */
public abstract class SimulatedHubSupport extends SimulatedDpsSupport {

    /** Kura's default SslManagerService, as its snapshot_0.xml names it (kura.service.pid = factory PID). */
    protected static final String SSL_MANAGER_PID = "org.eclipse.kura.ssl.SslManagerService";
    /** The keystore Kura's snapshot_0.xml gives that SslManagerService. */
    protected static final String KEYSTORE_PID = "SSLKeystore";
    protected static final String KEYSTORE_FACTORY_PID = "org.eclipse.kura.core.keystore.FilesystemKeystoreServiceImpl";
    /** The raw MQTT cloud connection's default stack (kura.md, "Kura's own cloud connection"). */
    protected static final String RAW_CLOUD_ENDPOINT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.CloudEndpoint";
    protected static final String RAW_DATA_SERVICE_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.DataService";
    protected static final String RAW_TRANSPORT_PID = "org.eclipse.kura.cloudconnection.raw.mqtt.MqttDataTransport";
    /** The keystore password; not a secret of the device. */
    protected static final char[] KEYSTORE_PASSWORD = "changeit".toCharArray();

    /** The hub link's PID (bundle/README.md, "The hub link"). */
    protected static final String HUB_CONNECTION_PID = "io.kuradps.provisioning.HubConnection";

    private static final String SIMULATOR_CA_ALIAS = "dps-simulator-ca";

    /** The hub link's events, in order. */
    protected ProvisioningEventLog hubEvents;
    private ServiceRegistration<?> socketRoute;
    /** Whether READY was posted in this framework (the probe's classes live as long as it). */
    private static boolean webConsoleStarted;

    @Override
    @Configuration
    public Option[] configuration() {
        return new Option[] { composite(super.configuration()),
            KuraStack.kuraCloudServices(getClass().getSimpleName()) };
    }

    /** With the IoT hub endpoint, MQTT and WebSocket, on ephemeral loopback ports. */
    @Override
    protected DpsSimulator startSimulator(UnaryOperator<DpsSimulator.Builder> customise) {
        return super.startSimulator(builder -> customise.apply(builder.hubPort(0).hubWebSocketPort(0)));
    }

    @Before
    public void reachTheSimulatedHubs() throws Exception {
        hubEvents = ProvisioningEventLog.listen(context, HubConnectionEvents.TOPIC_ALL);
        Hashtable<String, Object> route = new Hashtable<>();
        route.put(StandInSslManagerService.SOCKET_ROUTE_PROPERTY, true);
        // Looked up at each connection, so a test that starts another simulator is routed to its hub.
        UnaryOperator<SSLSocketFactory> toTheHubs = factory -> simulator.hub().socketFactory(factory);
        socketRoute = context.registerService(UnaryOperator.class, toTheHubs, route);
        createDefaultSslManager();
        trustTheSimulator(kuraService(KeystoreService.class, KEYSTORE_PID));
        kuraService(SslManagerService.class, SSL_MANAGER_PID);
        if (!webConsoleStarted) {
            kuraWebConsoleStarts();
            webConsoleStarted = true;
        }
    }

    /**
     * Whether this gateway's Kura has its web UI on, whose web console posts the configuration READY; true here, so
     * the hub link's READY wait (which a fixed bundle may drop) does not slow every scenario. A headless Kura, as most
     * gateways are, never posts READY: classes that show that answer false.
     */
    protected boolean kuraHasWebConsole() {
        return true;
    }

    /**
     * Kura's web console starting, which posts the configuration READY, once per boot, after the add-ons (it is the
     * last thing a Kura start starts); nothing on a headless Kura ({@link #kuraHasWebConsole()}). The stand-in
     * ConfigurationService posts no READY, as Kura's posts none. Posted once the hub link listens. Without it the hub
     * link waits out its READY bound (bundle/README.md) before it creates the first stack of each boot, as it must on
     * a Kura whose READY it missed.
     */
    protected void kuraWebConsoleStarts() {
        if (!kuraHasWebConsole()) {
            return;
        }
        Await.until("the hub link runs", STEP, () -> !"none".equals(hubLinkState()));
        kuraService(EventAdmin.class, null).postEvent(new KuraConfigReadyEvent(Collections.<String, Object>emptyMap()));
    }

    /**
     * Switches provisioning off instead of deleting its configuration: the provisioner keeps running, and with it the
     * device credentials the hub link needs, so the hub link is not restarted for every test (nor does Kura delete a
     * component's configuration: its web UI changes it). The next test's configuration withdraws the assignment held.
     */
    @Override
    protected void removeProvisionerConfiguration() throws IOException {
        DpsProvisionerConfiguration.disabled().applyTo(configurationAdmin);
        Await.until("provisioning is disabled", STEP, () -> {
            ServiceReference<DpsProvisioning> provisioner = context.getServiceReference(DpsProvisioning.class);
            return provisioner != null
                    && context.getService(provisioner).status().state() == ProvisioningStatus.State.DISABLED;
        });
    }

    /**
     * The operator's two steps: the provisioner configured (and its assignment awaited, so that the hub link cannot
     * see the one an earlier test left), then the hub link enabled with these settings.
     */
    protected Event provisionThenLink(DpsProvisionerConfiguration provisioner, String registrationId,
            Map<String, Object> hubLinkSettings) throws Exception {
        provisioner.applyTo(configurationAdmin);
        Event assigned = awaitAssigned(registrationId);
        enableHubLink(hubLinkSettings);
        return assigned;
    }

    /**
     * Turns the hub link back to its defaults (disabled), then deletes every raw MQTT stack, so that the next test
     * starts from a gateway without a cloud connection. The hub link keeps running disabled: Kura seeded its
     * defaults when the bundle started, and a component Kura tracks is configured, never deleted, by the web UI.
     */
    @After
    public void deleteTheCloudConnection() throws Exception {
        try {
            deleteCloudConnections();
        } finally {
            socketRoute.unregister();
            hubEvents.close();
        }
    }

    /** See {@link #deleteTheCloudConnection()}. */
    protected void deleteCloudConnections() throws Exception {
        ConfigurationService configurationService = configurationService();
        if (configurationService.getConfigurableComponentPids().contains(HUB_CONNECTION_PID)) {
            configurationService.updateConfiguration(HUB_CONNECTION_PID, configurationService
                    .getDefaultComponentConfiguration(HUB_CONNECTION_PID).getConfigurationProperties(), false);
            Await.until("the hub link is disabled", STEP, () -> hubLinkState().startsWith("DISABLED"));
        }
        CloudConnectionFactory factory = kuraService(CloudConnectionFactory.class, null);
        for (String endpoint : factory.getManagedCloudConnectionPids()) {
            factory.deleteConfiguration(endpoint);
        }
        Await.until("no DataService is left", STEP, () -> references(DataService.class, null).isEmpty());
    }

    /**
     * Enables the hub link with these settings over its defaults, through Kura's ConfigurationService as the web UI
     * writes it.
     */
    protected void enableHubLink(Map<String, Object> settings) throws Exception {
        Map<String, Object> properties = new HashMap<>(settings);
        properties.put("enabled", true);
        Await.until("Kura tracks the hub link", STEP,
                () -> configurationService().getConfigurableComponentPids().contains(HUB_CONNECTION_PID));
        configurationService().updateConfiguration(HUB_CONNECTION_PID, properties, false);
    }

    /** The transport's configuration as Kura's ConfigurationService gives it (Password values decrypted). */
    protected Map<String, Object> kuraConfiguration(String pid) throws Exception {
        ComponentConfiguration configuration =
                configurationService().getComponentConfiguration(pid);
        assertNotNull("Kura tracks " + pid, configuration);
        return configuration.getConfigurationProperties();
    }

    /** The transport's configuration in the newest snapshot (Password values decrypted). */
    protected Map<String, Object> newestSnapshotOf(String pid) throws Exception {
        ConfigurationService configurationService = configurationService();
        long newest = Collections.max(configurationService.getSnapshots());
        for (ComponentConfiguration configuration
                : configurationService.getSnapshot(newest)) {
            if (configuration.getPid().equals(pid)) {
                return configuration.getConfigurationProperties();
            }
        }
        throw new AssertionError("the newest snapshot (" + newest + ") holds no " + pid);
    }

    /** Publishes through the DataService (QoS 1) and waits until the hub has accepted that many from the device. */
    protected void publishAndAwaitAccepted(String dataServicePid, String deviceId, String payload) throws Exception {
        long before = simulator.hub().counters().telemetry(deviceId);
        kuraService(DataService.class, dataServicePid).publish("devices/" + deviceId + "/messages/events/",
                payload.getBytes(StandardCharsets.UTF_8), 1, false, 5);
        assertTrue("the hub accepted '" + payload + "' from " + deviceId + "; it saw "
                + simulator.hub().counters().events(deviceId),
                simulator.hub().counters().await(deviceId, EventKind.TELEMETRY, before + 1, STEP));
    }

    /** The next hub link event on {@code topic} about {@code deviceId}. */
    protected Event awaitHubEvent(String topic, String deviceId) throws InterruptedException {
        return hubEvents.await(topic, e -> deviceId.equals(e.getProperty(ProvisioningEvents.DEVICE_ID)), STEP);
    }

    /** What dps:status prints (the Gogo command's service, a type of the bundle's own, called by name). */
    protected String dpsStatus() {
        return call("(osgi.command.scope=dps)", "status");
    }

    /**
     * What the hub link says of its state (its status service, a type of the bundle's own that the tests cannot
     * import; dps:status shows the same), or "none" while it is not running.
     */
    protected String hubLinkState() {
        return call("(objectClass=io.kuradps.provisioning.kura.HubLinkStatus)", "describe");
    }

    /** Calls the public no-argument method of the service the filter selects; "none" when there is no such service. */
    private String call(String filter, String method) {
        try {
            ServiceReference<?>[] found = context.getServiceReferences((String) null, filter);
            if (found == null) {
                return "none";
            }
            Object service = context.getService(found[0]);
            return String.valueOf(service.getClass().getMethod(method).invoke(service));
        } catch (ReflectiveOperationException | InvalidSyntaxException e) {
            throw new AssertionError("cannot call " + method + " of " + filter, e);
        }
    }

    /**
     * The default SslManagerService and its file keystore, as Kura's snapshot_0.xml has them, unless the gateway has
     * them already (from an earlier test, or restored from a snapshot at a reboot).
     */
    private void createDefaultSslManager() throws Exception {
        ConfigurationService configurationService = configurationService();
        if (!configurationService.getConfigurableComponentPids().contains(KEYSTORE_PID)) {
            Path file = Paths.get(kuraService(SystemService.class, null).getKuraDataDirectory(), "security",
                    "cacerts.ks");
            if (!Files.exists(file)) {
                writeKeystore(file, emptyKeystore());
            }
            Map<String, Object> keystore = new HashMap<>();
            keystore.put("keystore.path", file.toString());
            keystore.put("keystore.password",
                    new String(kuraService(CryptoService.class, null).encryptAes(KEYSTORE_PASSWORD)));
            configurationService.createFactoryConfiguration(KEYSTORE_FACTORY_PID, KEYSTORE_PID, keystore, false);
        }
        if (!configurationService.getConfigurableComponentPids().contains(SSL_MANAGER_PID)) {
            Map<String, Object> sslManager = new HashMap<>();
            sslManager.put("KeystoreService.target", "(kura.service.pid=" + KEYSTORE_PID + ")");
            configurationService.createFactoryConfiguration(SSL_MANAGER_PID, SSL_MANAGER_PID, sslManager, true);
        }
    }

    /** An empty keystore of the JVM's default type, which is what Kura's file keystore reads. */
    protected static KeyStore emptyKeystore() throws Exception {
        KeyStore keystore = KeyStore.getInstance(KeyStore.getDefaultType());
        keystore.load(null, null);
        return keystore;
    }

    /** Writes the keystore to the file with {@link #KEYSTORE_PASSWORD}. */
    protected static void writeKeystore(Path file, KeyStore content) throws Exception {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            content.store(out, KEYSTORE_PASSWORD);
        }
    }

    /** Takes the simulator's CA out of the keystore (the next test's set-up puts it into {@code SSLKeystore} again). */
    protected void distrustTheSimulator(KeystoreService keystore) throws Exception {
        keystore.deleteEntry(SIMULATOR_CA_ALIAS);
    }

    /** Puts the simulator's CA into the keystore; the keystore tells its SslManagerServices, which tell their transports. */
    protected void trustTheSimulator(KeystoreService keystore) throws Exception {
        keystore.setEntry(SIMULATOR_CA_ALIAS, new KeyStore.TrustedCertificateEntry(CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(
                        simulator.caCertificatePem().getBytes(StandardCharsets.US_ASCII)))));
    }

    protected ConfigurationService configurationService() {
        return kuraService(ConfigurationService.class, null);
    }

    /**
     * The service of that type with that kura.service.pid (any when null), once it is registered; fails after
     * {@link #STEP}. Looked up anew each time: a reboot replaces Kura's services.
     */
    protected <T> T kuraService(Class<T> type, String kuraServicePid) {
        Await.until(type.getSimpleName() + (kuraServicePid == null ? "" : " " + kuraServicePid) + " is registered",
                STEP, () -> !references(type, kuraServicePid).isEmpty());
        T service = context.getService(references(type, kuraServicePid).iterator().next());
        assertNotNull(type.getSimpleName() + " " + kuraServicePid, service);
        return service;
    }

    protected <T> Collection<ServiceReference<T>> references(Class<T> type, String kuraServicePid) {
        try {
            return context.getServiceReferences(type, kuraServicePid == null ? null
                    : "(" + ConfigurationService.KURA_SERVICE_PID + "=" + kuraServicePid + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(kuraServicePid, e);
        }
    }
}
