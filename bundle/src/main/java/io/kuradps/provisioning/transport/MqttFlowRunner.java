package io.kuradps.provisioning.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

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
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;

/**
 * Drives one {@link RegistrationFlow} over Paho's asynchronous MQTT v3 client until it succeeds or fails. The flow
 * is only ever touched on the calling thread: Paho's callbacks merely queue events, and the calling thread waits on
 * that queue with the flow's timer as timeout. Each connection gets its own Paho executor, shut down with the
 * client when the flow disconnects or ends, so no Paho thread outlives an attempt. Single use.
 */
public final class MqttFlowRunner {

    /** Told about each transient failure before the flow tries again. */
    public interface RetryObserver {
        void retrying(FlowAction.Retrying retrying);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MqttFlowRunner.class);
    /** Paho runs receiver, sender and callback as long tasks, plus connect/disconnect and ping tasks. */
    private static final int PAHO_THREADS = 6;
    private static final int QOS = 1;
    private static final int SUBSCRIBE_REFUSED = 0x80;
    private static final int KEEP_ALIVE_SECONDS = 60;
    private static final long CLOSE_TIMEOUT_MS = 2000;
    private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

    private final DpsEndpoint endpoint;
    private final Clock clock;
    private final Duration connectTimeout;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private MqttAsyncClient client;
    private PahoExecutor pahoExecutor;
    private SocketTracker sockets;
    /** Identifies the current connection; events of a closed one are dropped. */
    private int connectionSerial;
    private long timerId;
    private Instant timerAt;
    private int connections;
    private int roundTrips;

    /** @param connectTimeout bounds the TCP, TLS and MQTT connect inside Paho (the flow has its own timer too) */
    public MqttFlowRunner(DpsEndpoint endpoint, Clock clock, Duration connectTimeout) {
        this.endpoint = endpoint;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Runs the flow to its end.
     *
     * @throws InterruptedException when the calling thread is interrupted; the connection is closed by then
     */
    public FlowResult run(RegistrationFlow flow, RetryObserver observer) throws InterruptedException {
        try {
            List<FlowAction> actions = flow.start();
            while (true) {
                FlowResult result = execute(actions, observer);
                if (result != null) {
                    LOG.info("Registration {}", result);
                    return result;
                }
                actions = nextEvent(flow);
            }
        } finally {
            closeConnection();
        }
    }

    private FlowResult execute(List<FlowAction> actions, RetryObserver observer) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.Connect) {
                connect(((FlowAction.Connect) action).request());
            } else if (action instanceof FlowAction.Subscribe) {
                subscribe(((FlowAction.Subscribe) action).filter());
            } else if (action instanceof FlowAction.Publish) {
                FlowAction.Publish publish = (FlowAction.Publish) action;
                publish(publish.topic(), publish.payload());
            } else if (action instanceof FlowAction.Disconnect) {
                closeConnection();
            } else if (action instanceof FlowAction.ScheduleTimer) {
                FlowAction.ScheduleTimer timer = (FlowAction.ScheduleTimer) action;
                timerId = timer.timerId();
                timerAt = timer.at();
            } else if (action instanceof FlowAction.Retrying) {
                observer.retrying((FlowAction.Retrying) action);
            } else if (action instanceof FlowAction.Succeed) {
                return FlowResult.succeeded(((FlowAction.Succeed) action).registration(), connections, roundTrips);
            } else if (action instanceof FlowAction.Fail) {
                return FlowResult.failed(((FlowAction.Fail) action).failure(), connections, roundTrips);
            }
        }
        return null;
    }

    /** Waits for the next Paho event of the current connection, or for the flow's timer. */
    private List<FlowAction> nextEvent(RegistrationFlow flow) throws InterruptedException {
        while (true) {
            long waitMillis = timerAt == null ? TimeUnit.HOURS.toMillis(1)
                    : Math.max(0, Duration.between(clock.instant(), timerAt).toMillis());
            Event event = events.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (event == null) {
                if (timerAt != null && !clock.instant().isBefore(timerAt)) {
                    timerAt = null;
                    return flow.onTimerFired(timerId);
                }
            } else if (event.connection == connectionSerial) {
                return event.delivery.apply(flow);
            }
        }
    }

    private void connect(ConnectRequest request) {
        closeConnection();
        int serial = ++connectionSerial;
        connections++;
        roundTrips++;
        LOG.info("Connecting to {} as {}", endpoint, request.clientId());
        pahoExecutor = new PahoExecutor(PAHO_THREADS, pahoThreads());
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
        sockets = new SocketTracker(endpoint.socketFactory());
        options.setSocketFactory(sockets);
        options.setHttpsHostnameVerificationEnabled(true);
        try {
            client = new MqttAsyncClient(endpoint.serverUri(), request.clientId(), new MemoryPersistence(),
                    new ScheduledExecutorPingSender(pahoExecutor), pahoExecutor);
            client.setCallback(new Callback(serial));
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    queue(serial, RegistrationFlow::onConnected);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    ConnectFailure kind = classify(cause);
                    String detail = describe(cause);
                    queue(serial, flow -> flow.onConnectFailed(kind, detail));
                }
            });
        } catch (MqttException | IllegalArgumentException e) {
            ConnectFailure kind = e instanceof MqttException ? classify(e) : ConnectFailure.REFUSED_OTHER;
            String detail = describe(e);
            queue(serial, flow -> flow.onConnectFailed(kind, detail));
        }
    }

    private void subscribe(String filter) {
        int serial = connectionSerial;
        roundTrips++;
        LOG.info("Subscribing to {}", filter);
        try {
            client.subscribe(filter, QOS, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] granted = token.getGrantedQos();
                    queue(serial, flow -> flow.onSubscribed(granted));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    if (cause instanceof MqttException
                            && ((MqttException) cause).getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                        queue(serial, flow -> flow.onSubscribed(new int[] { SUBSCRIBE_REFUSED }));
                    } else {
                        String detail = describe(cause);
                        queue(serial, flow -> flow.onConnectionLost(detail));
                    }
                }
            });
        } catch (MqttException e) {
            String detail = describe(e);
            queue(serial, flow -> flow.onConnectionLost(detail));
        }
    }

    private void publish(String topic, byte[] payload) {
        int serial = connectionSerial;
        roundTrips++;
        LOG.info("Publishing to {}", topic);
        try {
            client.publish(topic, payload, QOS, false);
        } catch (MqttException e) {
            String detail = describe(e);
            queue(serial, flow -> flow.onConnectionLost(detail));
        }
    }

    /** Closes the client and its executor, politely when there is time, at once when the thread is interrupted. */
    private void closeConnection() {
        if (client == null && pahoExecutor == null && sockets == null) {
            return;
        }
        connectionSerial++;
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
            if (pahoExecutor != null) {
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
            }
        } finally {
            if (sockets != null) {
                sockets.closeAll();
            }
            client = null;
            pahoExecutor = null;
            sockets = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void queue(int serial, Function<RegistrationFlow, List<FlowAction>> delivery) {
        events.add(new Event(serial, delivery));
    }

    static ConnectFailure classify(Throwable failure) {
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

    /** The failure and its root cause; Paho's and the JDK's texts carry no credentials. */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "connection closed";
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

    private static ThreadFactory pahoThreads() {
        return task -> {
            Thread thread = new Thread(task, "kura-dps-paho-" + THREAD_COUNTER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Something Paho reported, to be fed to the flow on the runner's thread. */
    private static final class Event {
        final int connection;
        final Function<RegistrationFlow, List<FlowAction>> delivery;

        Event(int connection, Function<RegistrationFlow, List<FlowAction>> delivery) {
            this.connection = connection;
            this.delivery = delivery;
        }
    }

    /** Paho's callback for connection loss and arriving messages. */
    private final class Callback implements MqttCallback {
        private final int serial;

        Callback(int serial) {
            this.serial = serial;
        }

        @Override
        public void connectionLost(Throwable cause) {
            String detail = describe(cause);
            queue(serial, flow -> flow.onConnectionLost(detail));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            queue(serial, flow -> flow.onMessage(topic, payload));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // DPS answers on the response topic; the PUBACK carries nothing the flow needs.
        }
    }
}
