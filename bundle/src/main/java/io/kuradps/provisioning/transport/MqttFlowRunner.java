package io.kuradps.provisioning.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.protocol.ConnectFailure;
import io.kuradps.provisioning.protocol.ConnectRequest;
import io.kuradps.provisioning.protocol.FlowAction;
import io.kuradps.provisioning.protocol.RegistrationFlow;

/**
 * Drives one {@link RegistrationFlow} over Paho's asynchronous MQTT v3 client until it succeeds or fails. The flow
 * is only ever touched on the calling thread: Paho's callbacks merely queue events, and the calling thread waits on
 * that queue with the flow's timer as timeout. Each connection is a {@link PahoConnection}, closed when the flow
 * disconnects or ends, so no Paho thread outlives an attempt. Single use.
 */
public final class MqttFlowRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MqttFlowRunner.class);

    private final DpsEndpoint endpoint;
    private final Clock clock;
    private final Duration connectTimeout;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private PahoConnection connection;
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
     * @param retries told about each transient failure before the flow tries again
     * @throws InterruptedException when the calling thread is interrupted; the connection is closed by then
     */
    public FlowResult run(RegistrationFlow flow, Consumer<FlowAction.Retrying> retries) throws InterruptedException {
        try {
            List<FlowAction> actions = flow.start();
            while (true) {
                FlowResult result = execute(actions, retries);
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

    private FlowResult execute(List<FlowAction> actions, Consumer<FlowAction.Retrying> retries) {
        for (FlowAction action : actions) {
            if (action instanceof FlowAction.Connect) {
                connect(((FlowAction.Connect) action).request());
            } else if (action instanceof FlowAction.Subscribe) {
                roundTrips++;
                connection.subscribe(((FlowAction.Subscribe) action).filter());
            } else if (action instanceof FlowAction.Publish) {
                FlowAction.Publish publish = (FlowAction.Publish) action;
                roundTrips++;
                connection.publish(publish.topic(), publish.payload());
            } else if (action instanceof FlowAction.Disconnect) {
                closeConnection();
            } else if (action instanceof FlowAction.ScheduleTimer) {
                FlowAction.ScheduleTimer timer = (FlowAction.ScheduleTimer) action;
                timerId = timer.timerId();
                timerAt = timer.at();
            } else if (action instanceof FlowAction.Retrying) {
                retries.accept((FlowAction.Retrying) action);
            } else if (action instanceof FlowAction.Succeed) {
                return FlowResult.succeeded(((FlowAction.Succeed) action).registration(), connections, roundTrips);
            } else if (action instanceof FlowAction.Fail) {
                return FlowResult.failed((FlowAction.Fail) action, connections, roundTrips);
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
        connection = PahoConnection.open(endpoint, request, connectTimeout, new Reports(serial));
    }

    private void closeConnection() {
        if (connection != null) {
            // Events the closing connection still reports belong to no connection the flow knows.
            connectionSerial++;
            connection.close();
            connection = null;
        }
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

    /** Queues what one connection reports, tagged with its serial. */
    private final class Reports implements PahoConnection.Listener {
        private final int serial;

        Reports(int serial) {
            this.serial = serial;
        }

        private void queue(Function<RegistrationFlow, List<FlowAction>> delivery) {
            events.add(new Event(serial, delivery));
        }

        @Override
        public void connected() {
            queue(RegistrationFlow::onConnected);
        }

        @Override
        public void connectFailed(ConnectFailure kind, String detail) {
            queue(flow -> flow.onConnectFailed(kind, detail));
        }

        @Override
        public void subscribed(int[] grantedQos) {
            queue(flow -> flow.onSubscribed(grantedQos));
        }

        @Override
        public void lost(String detail) {
            queue(flow -> flow.onConnectionLost(detail));
        }

        @Override
        public void messageArrived(String topic, byte[] payload) {
            queue(flow -> flow.onMessage(topic, payload));
        }
    }
}
