package io.kuradps.provisioning.transport;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.protocol.ConnectRequest;

/**
 * The lifetime of one Paho MQTT client, from connect to close: its own executor (so no Paho thread outlives it),
 * its sockets tracked (so a blocked handshake can be ended from outside) and a close that defuses Paho 1.2.5's
 * start-up flaw (see {@link PahoExecutor}). What Paho reports goes to a {@link Listener}, on Paho's threads.
 * Single use.
 */
final class PahoConnection {

    /** What Paho reported for this connection; called on Paho's threads. */
    interface Listener {
        void connected();

        void connectFailed(ConnectFailure kind, String detail);

        /** {@code grantedQos} is {@code {0x80}} when the server refused the subscription. */
        void subscribed(int[] grantedQos);

        void lost(String detail);

        void messageArrived(String topic, byte[] payload);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);
    /** Paho runs receiver, sender and callback as long tasks, plus connect/disconnect and ping tasks. */
    private static final int PAHO_THREADS = 6;
    private static final int QOS = 1;
    private static final int SUBSCRIBE_REFUSED = 0x80;
    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final long CLOSE_TIMEOUT_MS = 2000;
    private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

    private final DpsEndpoint endpoint;
    private final Listener listener;
    private final PahoExecutor pahoExecutor;
    private final SocketTracker sockets;
    private MqttAsyncClient client;

    private PahoConnection(DpsEndpoint endpoint, Listener listener) {
        this.endpoint = endpoint;
        this.listener = listener;
        this.pahoExecutor = new PahoExecutor(PAHO_THREADS, pahoThreads());
        this.sockets = new SocketTracker(endpoint.socketFactory());
    }

    /**
     * Starts connecting; the outcome arrives as {@link Listener#connected()} or {@link Listener#connectFailed}.
     *
     * @param connectTimeout bounds the TCP, TLS and MQTT connect inside Paho
     */
    static PahoConnection open(DpsEndpoint endpoint, ConnectRequest request, Duration connectTimeout,
            Listener listener) {
        PahoConnection connection = new PahoConnection(endpoint, listener);
        connection.connect(request, connectTimeout);
        return connection;
    }

    private void connect(ConnectRequest request, Duration connectTimeout) {
        LOG.info("Connecting to {} as {}", endpoint, request.clientId());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        options.setConnectionTimeout((int) Math.max(1, connectTimeout.getSeconds()));
        options.setUserName(request.username());
        char[] password = request.password();
        if (password != null) {
            options.setPassword(password);
        }
        options.setSocketFactory(sockets);
        options.setHttpsHostnameVerificationEnabled(true);
        try {
            client = new MqttAsyncClient(endpoint.serverUri(), request.clientId(), new MemoryPersistence(),
                    new ScheduledExecutorPingSender(pahoExecutor), pahoExecutor);
            client.setCallback(new Callback());
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    listener.connected();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    listener.connectFailed(classify(cause), describe(cause));
                }
            });
        } catch (MqttException | IllegalArgumentException e) {
            listener.connectFailed(e instanceof MqttException ? classify(e) : ConnectFailure.REFUSED_OTHER,
                    describe(e));
        }
    }

    void subscribe(String filter) {
        LOG.info("Subscribing to {}", filter);
        try {
            client.subscribe(filter, QOS, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    listener.subscribed(token.getGrantedQos());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    if (cause instanceof MqttException
                            && ((MqttException) cause).getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                        listener.subscribed(new int[] { SUBSCRIBE_REFUSED });
                    } else {
                        listener.lost(describe(cause));
                    }
                }
            });
        } catch (MqttException e) {
            listener.lost(describe(e));
        }
    }

    /** QoS 1, without waiting for the PUBACK: DPS's answer on the response topic is what counts. */
    void publish(String topic, byte[] payload) {
        LOG.info("Publishing to {}", topic);
        try {
            client.publish(topic, payload, QOS, false);
        } catch (MqttException e) {
            listener.lost(describe(e));
        }
    }

    /** Closes the client and its executor, politely when there is time, at once when the thread is interrupted. */
    void close() {
        boolean interrupted = Thread.interrupted();
        try {
            if (client != null) {
                if (!interrupted && client.isConnected()) {
                    try {
                        client.disconnect(0).waitForCompletion(CLOSE_TIMEOUT_MS);
                    } catch (MqttException e) {
                        LOG.debug("Disconnect did not complete: {}", e.getMessage());
                    }
                }
                try {
                    if (!pahoExecutor.settleConnect(CLOSE_TIMEOUT_MS)) {
                        LOG.warn("Paho's connect task did not finish starting its threads within {} ms",
                                CLOSE_TIMEOUT_MS);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                try {
                    client.disconnectForcibly(0, CLOSE_TIMEOUT_MS, false);
                } catch (MqttException e) {
                    LOG.debug("Already disconnected: {}", e.getMessage());
                }
                // A connect still in its TCP, TLS or WebSocket handshake ignores the forcible disconnect; closing
                // its socket ends it (settleConnect made sure it can no longer reach Paho's start-up window).
                sockets.closeAll();
                try {
                    client.close(true);
                } catch (MqttException e) {
                    LOG.debug("Close failed: {}", e.getMessage());
                }
                LOG.info("Disconnected from {}", endpoint);
            }
            // shutdown(), not shutdownNow(): dropping the queued receiver task would leave Paho's connect task
            // spinning (see PahoExecutor).
            pahoExecutor.shutdown();
            try {
                if (!pahoExecutor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    pahoExecutor.shutdownNow();
                    if (!pahoExecutor.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                        LOG.warn("Paho threads did not stop within {} ms", 2 * CLOSE_TIMEOUT_MS);
                    }
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        } finally {
            sockets.closeAll();
            client = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static ConnectFailure classify(Throwable failure) {
        ProxyTunnelException proxy = proxyFailure(failure);
        if (proxy != null) {
            return proxy.failure();
        }
        if (failure instanceof MqttException) {
            switch (((MqttException) failure).getReasonCode()) {
                case MqttException.REASON_CODE_FAILED_AUTHENTICATION:
                    return ConnectFailure.REFUSED_BAD_CREDENTIALS;
                case MqttException.REASON_CODE_NOT_AUTHORIZED:
                    return ConnectFailure.REFUSED_NOT_AUTHORIZED;
                case MqttException.REASON_CODE_BROKER_UNAVAILABLE:
                    return ConnectFailure.REFUSED_SERVER_UNAVAILABLE;
                case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION:
                case MqttException.REASON_CODE_INVALID_CLIENT_ID:
                    return ConnectFailure.REFUSED_OTHER;
                default:
                    break;
            }
        }
        ConnectFailure tls = TlsFailures.classify(failure);
        return tls != null ? tls : ConnectFailure.NETWORK;
    }

    /**
     * The failure and its root cause, or the proxy's refusal as it stands (Paho wraps it in a "client exception");
     * Paho's, the JDK's and our proxy texts carry no credentials.
     */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "connection closed";
        }
        ProxyTunnelException proxy = proxyFailure(failure);
        if (proxy != null) {
            return proxy.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (root != failure) {
            text += " (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        }
        return text;
    }

    private static ProxyTunnelException proxyFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProxyTunnelException) {
                return (ProxyTunnelException) cause;
            }
        }
        return null;
    }

    private static ThreadFactory pahoThreads() {
        return task -> {
            Thread thread = new Thread(task, "kura-dps-paho-" + THREAD_COUNTER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Paho's callback for connection loss and arriving messages. */
    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            listener.lost(describe(cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            listener.messageArrived(topic, message.getPayload());
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // DPS answers on the response topic; the PUBACK carries nothing the flow needs.
        }
    }
}
