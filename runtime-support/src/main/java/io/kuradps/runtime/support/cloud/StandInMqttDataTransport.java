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
 * Kura's MqttDataTransport (5.0) for a runtime without Kura: one Paho connection per factory configuration, with
 * the same property ids ({@link MqttTransportSettings}). As in Kura, the configuration, and with it the socket
 * factory of the SslManagerService its {@code SslManagerService.target} selects, is built when the configuration
 * arrives or changes, when that SslManagerService comes or goes, and when it reports a change; each time the
 * listeners (the DataService) hear {@code onConfigurationUpdating} before and {@code onConfigurationUpdated}
 * after, which is how a changed transport configuration costs one reconnect. A configuration that cannot be built
 * leaves the transport unable to connect until the next one. Connecting fails with a KuraConnectException whose
 * cause is Paho's MqttException (reason code 5 for CONNACK 5, "not authorized").
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

    @Reference
    private CryptoService cryptoService;
    @Reference
    private SystemService systemService;

    private volatile SslManagerService sslManagerService;
    private final Listeners<DataTransportListener> listeners = new Listeners<>();
    private final Object updateLock = new Object();

    private Map<String, Object> properties;
    private volatile MqttTransportSettings settings;
    private volatile SocketFactory socketFactory;
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
        }
        update();
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetSslManagerService")
    void setSslManagerService(SslManagerService ssl) {
        this.sslManagerService = ssl;
        boolean configured;
        synchronized (this.updateLock) {
            configured = this.properties != null;
        }
        if (configured) {
            update();
        }
    }

    void unsetSslManagerService(SslManagerService ssl) {
        if (this.sslManagerService == ssl) {
            this.sslManagerService = null;
        }
    }

    /** The SslManagerService changed: build the configuration, and the socket factory, again. */
    @Override
    public void onConfigurationUpdated() {
        update();
    }

    private void update() {
        boolean wasConnected = isConnected();
        this.listeners.tell("onConfigurationUpdating", listener -> listener.onConfigurationUpdating(wasConnected));
        synchronized (this.updateLock) {
            try {
                MqttTransportSettings built = MqttTransportSettings.of(this.properties, this.cryptoService,
                        this.systemService.getPrimaryMacAddress());
                this.socketFactory = built.secure() ? secureSockets() : null;
                this.settings = built;
            } catch (IllegalArgumentException | IllegalStateException e) {
                this.settings = null;
                LOG.error("Invalid MqttDataTransport configuration, it cannot connect until it is updated: {}",
                        e.getMessage());
            }
        }
        this.listeners.tell("onConfigurationUpdated", listener -> listener.onConfigurationUpdated(wasConnected));
    }

    private SocketFactory secureSockets() {
        SslManagerService ssl = this.sslManagerService;
        if (ssl == null) {
            throw new IllegalStateException("SSL setup failed: no SslManagerService matches SslManagerService.target");
        }
        try {
            return ssl.getSSLSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException("SSL setup failed: " + e.getMessage(), e);
        }
    }

    // ---- DataTransportService -------------------------------------------------------------------------------

    @Override
    public synchronized void connect() throws KuraConnectException {
        if (isConnected()) {
            throw new IllegalStateException("Already connected");
        }
        MqttTransportSettings current = this.settings;
        if (current == null) {
            throw new IllegalStateException("Invalid client configuration");
        }
        boolean newSession;
        MqttConnectOptions options = current.connectOptions();
        SocketFactory sockets = this.socketFactory;
        if (sockets != null) {
            options.setSocketFactory(sockets);
        }
        try {
            newSession = prepareClient(current);
        } catch (RuntimeException e) {
            throw new KuraConnectException(e, "Unexpected exception setting up MQTT session");
        }
        LOG.info("Connecting to {} as {} (user {}, password not shown)", current.brokerUrl(), current.clientId(),
                current.username());
        try {
            IMqttToken token = this.client.connect(options);
            token.waitForCompletion(current.timeout() * 3000L);
        } catch (MqttException e) {
            LOG.warn("Connect to {} failed: {}", current.brokerUrl(), e.getMessage());
            closeClient();
            throw new KuraConnectException(e, "Cannot connect");
        }
        this.sessionId = current.sessionId();
        LOG.info("Connected to {}", current.brokerUrl());
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

    private synchronized void closeClient() {
        if (this.client == null) {
            return;
        }
        try {
            if (this.client.isConnected()) {
                this.client.disconnectForcibly(0, 0);
            }
            this.client.close();
        } catch (MqttException e) {
            LOG.warn("Closing the MQTT client failed: {}", e.getMessage());
        }
        this.client = null;
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
            MqttTransportSettings current = this.settings;
            long wait = current == null ? 10_000L : current.timeout() * 1000L;
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
        MqttTransportSettings current = this.settings;
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
        String resolved = this.settings.replaceTopicVariables(topic);
        try {
            this.client.subscribe(resolved, qos).waitForCompletion(this.settings.timeout() * 1000L);
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
        String resolved = this.settings.replaceTopicVariables(topic);
        try {
            this.client.unsubscribe(resolved).waitForCompletion(this.settings.timeout() * 1000L);
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
        MqttTransportSettings current = this.settings;
        return current == null ? "" : current.brokerUrl();
    }

    @Override
    public String getAccountName() {
        MqttTransportSettings current = this.settings;
        return current == null || current.accountName() == null ? "" : current.accountName();
    }

    @Override
    public String getUsername() {
        MqttTransportSettings current = this.settings;
        return current == null || current.username() == null ? "" : current.username();
    }

    @Override
    public String getClientId() {
        MqttTransportSettings current = this.settings;
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

    /** Where the current configuration points; no secret. */
    @Override
    public String toString() {
        MqttTransportSettings current = this.settings;
        return "MqttDataTransport " + (current == null ? "(not configured)" : current.toString());
    }
}
