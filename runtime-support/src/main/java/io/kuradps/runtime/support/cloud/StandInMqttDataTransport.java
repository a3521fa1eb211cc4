package io.kuradps.runtime.support.cloud;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import javax.net.SocketFactory;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.KuraNotConnectedException;
import org.eclipse.kura.KuraTimeoutException;
import org.eclipse.kura.KuraTooManyInflightMessagesException;
import org.eclipse.kura.configuration.ConfigurableComponent;
import org.eclipse.kura.crypto.CryptoService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.data.DataTransportToken;
import org.eclipse.kura.data.transport.listener.DataTransportListener;
import org.eclipse.kura.ssl.SslManagerService;
import org.eclipse.kura.ssl.SslServiceListener;
import org.eclipse.kura.system.SystemService;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kura's MqttDataTransport (5.5) for a runtime without Kura: one Paho connection per factory configuration, with
 * the same property ids ({@link MqttTransportSettings}). As in Kura (runtime-support/README.md has each fact and its
 * source), the client configuration, and with it the socket factory of the SslManagerService its
 * {@code SslManagerService.target} selects, is built:
 * <ul>
 * <li>at activation: one that cannot be built (for a TLS URL: no SslManagerService bound yet, "SSL setup failed")
 * leaves the transport with none, logged as "Invalid client configuration. Service will not be able to connect
 * until the configuration is updated"; every connect then fails;</li>
 * <li>on {@code updated}, each time telling the listeners {@code onConfigurationUpdating} before and
 * {@code onConfigurationUpdated} after (how a changed configuration costs one reconnect); one that cannot be built
 * keeps the previous one and tells no {@code onConfigurationUpdated};</li>
 * <li>when an SslManagerService is bound, but only if a configuration was built before: a transport that came up
 * without its SslManagerService stays unable to connect after it arrives, until the next update;</li>
 * <li>when any SslManagerService reports a change ({@link SslServiceListener}): for a TLS URL the client is closed
 * first, without a word to the listeners, so the update sees a transport that was not connected and nothing
 * reconnects it (unless the DataService auto-connects).</li>
 * </ul>
 * Connecting fails with a KuraConnectException whose cause is Paho's MqttException (reason code 5 for CONNACK 5,
 * "not authorized").
 */
@Component(name = StandInMqttDataTransport.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        enabled = false, service = { DataTransportService.class, SslServiceListener.class,
                ConfigurableComponent.class })
@Designate(ocd = MqttDataTransportDefinition.class, factory = true)
public final class StandInMqttDataTransport
        implements DataTransportService, MqttCallback, SslServiceListener, ConfigurableComponent {

    /** Kura's factory PID (and component name) of the MQTT transport. */
    public static final String FACTORY_PID = "org.eclipse.kura.core.data.transport.mqtt.MqttDataTransport";
    /** Under Kura's data directory, as Kura keeps file persistence. */
    public static final String FILE_PERSISTENCE_DIRECTORY = "paho-persistence";

    private static final Logger LOG = LoggerFactory.getLogger(StandInMqttDataTransport.class);
    private static final String NOT_CONNECTED = "Not connected";
    /** Kura's bounds when it closes a client. */
    private static final long CLOSE_QUIESCE_MILLIS = 2000;
    private static final long CLOSE_DISCONNECT_MILLIS = 2000;

    @Reference
    private CryptoService cryptoService;
    @Reference
    private SystemService systemService;

    private volatile SslManagerService sslManagerService;
    private final Listeners<DataTransportListener> listeners = new Listeners<>();
    private final Object updateLock = new Object();

    private Map<String, Object> properties;
    /** Null until one could be built. */
    private volatile ClientConfiguration configuration;
    private volatile MqttAsyncClient client;
    /** Kura's session id, fixed at each connect: the confirmations of a session carry it. */
    private volatile String sessionId;
    private MqttClientPersistence persistence;
    private boolean clientFilePersistence;

    /** For Declarative Services. */
    public StandInMqttDataTransport() {
    }

    /** Without a framework: crypto and system given, the SslManagerService (may be null) bound already. */
    StandInMqttDataTransport(CryptoService crypto, SystemService system, SslManagerService ssl) {
        this.cryptoService = crypto;
        this.systemService = system;
        this.sslManagerService = ssl;
    }

    @Activate
    void activate(Map<String, Object> configuration) {
        synchronized (this.updateLock) {
            this.properties = new HashMap<>(configuration);
            try {
                this.configuration = build();
            } catch (IllegalStateException e) {
                LOG.error("Invalid client configuration. Service will not be able to connect until the configuration "
                        + "is updated: {}", e.getMessage());
            }
        }
    }

    @Modified
    void modified(Map<String, Object> configuration) {
        synchronized (this.updateLock) {
            this.properties = new HashMap<>(configuration);
        }
        update();
    }

    @Deactivate
    void deactivate() {
        disconnect(0);
        closeClient();
    }

    /** As Kura: the configuration is built again only if one was built before. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetSslManagerService")
    void setSslManagerService(SslManagerService ssl) {
        boolean rebuild;
        synchronized (this.updateLock) {
            this.sslManagerService = ssl;
            rebuild = this.configuration != null;
        }
        if (rebuild) {
            update();
        }
    }

    void unsetSslManagerService(SslManagerService ssl) {
        synchronized (this.updateLock) {
            if (this.sslManagerService == ssl) {
                this.sslManagerService = null;
            }
        }
    }

    /**
     * An SslManagerService changed (any of them: Kura tells every transport). For a TLS URL the client is closed
     * first, so the update that follows sees a transport that was not connected.
     */
    @Override
    public void onConfigurationUpdated() {
        MqttAsyncClient current = this.client;
        if (current != null && MqttTransportSettings.secure(current.getServerURI())) {
            closeClient();
        }
        update();
    }

    /** @throws IllegalStateException when the configuration cannot be built; the previous one stays */
    private void update() {
        boolean wasConnected = isConnected();
        this.listeners.tell("onConfigurationUpdating", listener -> listener.onConfigurationUpdating(wasConnected));
        synchronized (this.updateLock) {
            this.configuration = build();
        }
        this.listeners.tell("onConfigurationUpdated", listener -> listener.onConfigurationUpdated(wasConnected));
    }

    /** @throws IllegalStateException naming what is wrong (never the password) */
    private ClientConfiguration build() {
        MqttTransportSettings built;
        try {
            built = MqttTransportSettings.of(this.properties, this.cryptoService,
                    this.systemService.getPrimaryMacAddress());
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid MQTT client configuration: {}", e.getMessage());
            throw new IllegalStateException("Invalid MQTT client configuration: " + e.getMessage(), e);
        }
        if (!built.secure()) {
            return new ClientConfiguration(built, null);
        }
        SslManagerService ssl = this.sslManagerService;
        try {
            if (ssl == null) {
                throw new IllegalStateException("no SslManagerService matches SslManagerService.target");
            }
            return new ClientConfiguration(built, ssl.getSSLSocketFactory());
        } catch (Exception e) {
            LOG.error("SSL setup failed: {}", e.toString());
            throw new IllegalStateException("SSL setup failed", e);
        }
    }

    // ---- DataTransportService -------------------------------------------------------------------------------

    @Override
    public synchronized void connect() throws KuraConnectException {
        if (isConnected()) {
            throw new IllegalStateException("Already connected");
        }
        ClientConfiguration current = this.configuration;
        boolean newSession;
        try {
            if (current == null) {
                throw new IllegalStateException("Invalid client configuration");
            }
            newSession = prepareClient(current.settings);
        } catch (RuntimeException e) {
            throw new KuraConnectException(e, "Unexpected exception setting up MQTT session");
        }
        MqttConnectOptions options = current.settings.connectOptions();
        if (current.sockets != null) {
            options.setSocketFactory(current.sockets);
        }
        LOG.info("Connecting to {} as {} (user {}, password not shown)", current.settings.brokerUrl(),
                current.settings.clientId(), current.settings.username());
        try {
            IMqttToken token = this.client.connect(options);
            token.waitForCompletion(current.settings.timeout() * 3000L);
        } catch (MqttException e) {
            LOG.warn("Connect to {} failed: {}", current.settings.brokerUrl(), e.getMessage());
            closeClient();
            throw new KuraConnectException(e, "Cannot connect");
        }
        this.sessionId = current.settings.sessionId();
        LOG.info("Connected to {}", current.settings.brokerUrl());
        this.listeners.tell("onConnectionEstablished", listener -> listener.onConnectionEstablished(newSession));
    }

    /** A new Paho client when the URL, client id or persistence changed; as Kura, whether the session is new. */
    private boolean prepareClient(MqttTransportSettings current) {
        if (this.client != null && !(this.client.getServerURI().equals(current.brokerUrl())
                && this.client.getClientId().equals(current.clientId())
                && this.clientFilePersistence == current.filePersistence())) {
            closeClient();
        }
        boolean newSession = current.cleanSession();
        if (this.client == null) {
            this.persistence = current.filePersistence()
                    ? new MqttDefaultFilePersistence(this.systemService.getKuraDataDirectory() + File.separator
                            + FILE_PERSISTENCE_DIRECTORY)
                    : new MemoryPersistence();
            try {
                this.client = new MqttAsyncClient(current.brokerUrl(), current.clientId(), this.persistence);
            } catch (MqttException e) {
                throw new IllegalStateException("Client instantiation failed: " + e.getMessage(), e);
            }
            this.client.setCallback(this);
            this.clientFilePersistence = current.filePersistence();
            IMqttDeliveryToken[] pending = this.client.getPendingDeliveryTokens();
            if (!current.cleanSession() && pending != null && pending.length != 0) {
                newSession = false;
            }
        }
        return newSession;
    }

    /** As Kura: forced off, its callback removed first, so no listener hears of it. */
    private synchronized void closeClient() {
        MqttAsyncClient closing = this.client;
        if (closing == null) {
            return;
        }
        try {
            closing.disconnectForcibly(CLOSE_QUIESCE_MILLIS, CLOSE_DISCONNECT_MILLIS);
        } catch (MqttException e) {
            LOG.debug("Forced disconnect: {}", e.getMessage());
        }
        try {
            closing.setCallback(null);
            closing.close();
        } catch (MqttException e) {
            LOG.warn("Closing the MQTT client failed: {}", e.getMessage());
        } finally {
            this.client = null;
        }
    }

    /** Not synchronized, as in Kura: Paho's callback threads ask it while a connect or disconnect runs. */
    @Override
    public boolean isConnected() {
        MqttAsyncClient current = this.client;
        return current != null && current.isConnected();
    }

    @Override
    public synchronized void disconnect(long quiesceTimeout) {
        if (!isConnected()) {
            return;
        }
        this.listeners.tell("onDisconnecting", DataTransportListener::onDisconnecting);
        try {
            ClientConfiguration current = this.configuration;
            long wait = current == null ? 10_000L : current.settings.timeout() * 1000L;
            this.client.disconnect(quiesceTimeout).waitForCompletion(wait);
        } catch (MqttException e) {
            LOG.warn("Disconnect failed: {}", e.getMessage());
        }
        this.listeners.tell("onDisconnected", DataTransportListener::onDisconnected);
    }

    @Override
    public DataTransportToken publish(String topic, byte[] payload, int qos, boolean retain)
            throws KuraTooManyInflightMessagesException, KuraException, KuraNotConnectedException {
        MqttAsyncClient connected = this.client;
        MqttTransportSettings current = settings();
        if (connected == null || !connected.isConnected() || current == null) {
            throw new KuraNotConnectedException(NOT_CONNECTED);
        }
        String resolved = current.replaceTopicVariables(topic);
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retain);
        try {
            IMqttDeliveryToken token = connected.publish(resolved, message);
            // Paho numbers QoS 0 messages too; as Kura, only QoS > 0 gets a token to be confirmed.
            return qos > 0 ? new DataTransportToken(token.getMessageId(), this.sessionId) : null;
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                throw new KuraTooManyInflightMessagesException(e, "Too many in-flight messages");
            }
            throw KuraException.internalError(e, "Cannot publish on topic: " + resolved);
        }
    }

    @Override
    public synchronized void subscribe(String topic, int qos)
            throws KuraTimeoutException, KuraException, KuraNotConnectedException {
        if (!isConnected()) {
            throw new KuraNotConnectedException(NOT_CONNECTED);
        }
        MqttTransportSettings current = settings();
        String resolved = current.replaceTopicVariables(topic);
        try {
            this.client.subscribe(resolved, qos).waitForCompletion(current.timeout() * 1000L);
        } catch (MqttException e) {
            throw failure(e, "Cannot subscribe to " + resolved);
        }
    }

    @Override
    public synchronized void unsubscribe(String topic)
            throws KuraTimeoutException, KuraException, KuraNotConnectedException {
        if (!isConnected()) {
            throw new KuraNotConnectedException(NOT_CONNECTED);
        }
        MqttTransportSettings current = settings();
        String resolved = current.replaceTopicVariables(topic);
        try {
            this.client.unsubscribe(resolved).waitForCompletion(current.timeout() * 1000L);
        } catch (MqttException e) {
            throw failure(e, "Cannot unsubscribe from " + resolved);
        }
    }

    private static KuraException failure(MqttException e, String what) {
        if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
            return new KuraTimeoutException(what, e);
        }
        return KuraException.internalError(e, what);
    }

    @Override
    public String getBrokerUrl() {
        MqttTransportSettings current = settings();
        return current == null ? "" : current.brokerUrl();
    }

    @Override
    public String getAccountName() {
        MqttTransportSettings current = settings();
        return current == null || current.accountName() == null ? "" : current.accountName();
    }

    @Override
    public String getUsername() {
        MqttTransportSettings current = settings();
        return current == null || current.username() == null ? "" : current.username();
    }

    @Override
    public String getClientId() {
        MqttTransportSettings current = settings();
        return current == null ? "" : current.clientId();
    }

    @Override
    public void addDataTransportListener(DataTransportListener listener) {
        this.listeners.add(listener);
    }

    @Override
    public void removeDataTransportListener(DataTransportListener listener) {
        this.listeners.remove(listener);
    }

    // ---- Paho's callbacks -----------------------------------------------------------------------------------

    @Override
    public void connectionLost(Throwable cause) {
        LOG.warn("Connection lost: {}", cause == null ? "no cause given" : cause.getMessage());
        this.listeners.tell("onConnectionLost", listener -> listener.onConnectionLost(cause));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        MqttMessage message;
        try {
            message = token.getMessage();
        } catch (MqttException e) {
            LOG.warn("Cannot read the confirmed message: {}", e.getMessage());
            return;
        }
        // Paho completes QoS 0 messages too (their message still attached); Kura confirms only QoS > 0.
        if (message != null && message.getQos() == 0) {
            return;
        }
        DataTransportToken confirmed = new DataTransportToken(token.getMessageId(), this.sessionId);
        this.listeners.tell("onMessageConfirmed", listener -> listener.onMessageConfirmed(confirmed));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        this.listeners.tell("onMessageArrived", listener -> listener.onMessageArrived(topic, message.getPayload(),
                message.getQos(), message.isRetained()));
    }

    /** The settings of the configuration built last; null when none could be built. */
    private MqttTransportSettings settings() {
        ClientConfiguration current = this.configuration;
        return current == null ? null : current.settings;
    }

    /** Where the current configuration points; no secret. */
    @Override
    public String toString() {
        MqttTransportSettings current = settings();
        return "MqttDataTransport " + (current == null ? "(not configured)" : current.toString());
    }

    /** What Kura's client configuration holds: the settings and, for TLS, the socket factory built with them. */
    private static final class ClientConfiguration {

        final MqttTransportSettings settings;
        final SocketFactory sockets;

        ClientConfiguration(MqttTransportSettings settings, SocketFactory sockets) {
            this.settings = settings;
            this.sockets = sockets;
        }
    }
}
