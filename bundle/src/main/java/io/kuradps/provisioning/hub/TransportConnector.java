package io.kuradps.provisioning.hub;

import static org.eclipse.kura.configuration.ConfigurationService.KURA_SERVICE_PID;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.kura.KuraReferences;

/**
 * Has the DataService of a transport connect and disconnect, as Kura wires them: the DataService whose
 * {@code DataTransportService.target} selects the transport. A write to the transport reaches it asynchronously
 * (ConfigAdmin, then Declarative Services call its {@code updated}, which makes the DataService disconnect and,
 * if it was connected, connect again), so after a write the hub link waits until the transport's service properties
 * show the values written, bounded ({@link #awaitApplied}). It also listens to that DataService and counts the
 * connections it establishes, so that what Kura does by itself reaches the hub link with the connection it concerns:
 * a connection lost (the hub closed it), a disconnect or a connect someone else made. What the hub link's own calls
 * cause is not told back: DataServiceImpl calls its listeners on the thread that called it. Called from the hub
 * link's thread only, except {@link #close} and the listener.
 */
final class TransportConnector {

    /** What Kura did by itself to the connection, told on Kura's thread. */
    interface KuraConnection {
        /** The DataService lost this connection (the hub or the network closed it). */
        void lost(String cause, long connection);

        /** Someone else had the DataService disconnect this connection. */
        void disconnected(long connection);

        /** Someone else had the DataService connect: this is its new connection. */
        void established(long connection);
    }

    /** How long Kura's components may take to appear or to take a configuration before the hub link goes on. */
    static final Duration SERVICE_WAIT = Duration.ofSeconds(30);
    /**
     * How long a disconnect before a write lets messages in flight complete (Paho's quiesce): a PUBACK on its way
     * arrives, so the DataService need not send that message again on the new session.
     */
    static final long QUIESCE_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(TransportConnector.class);

    private final ServiceSet<DataService> dataServices;
    private final ServiceSet<DataTransportService> transports;
    private final Duration wait;
    private final ConnectionListener listener;
    private volatile DataService listenedTo;
    private Write pending;

    /**
     * @param ownThread true when called on the hub link's thread: a callback there is the result of its own call
     * @param kura      told what Kura did by itself (on Kura's thread)
     */
    TransportConnector(ServiceSet<DataService> dataServices, ServiceSet<DataTransportService> transports,
            Duration wait, BooleanSupplier ownThread, KuraConnection kura) {
        this.dataServices = dataServices;
        this.transports = transports;
        this.wait = wait;
        this.listener = new ConnectionListener(ownThread, kura);
    }

    /** Just before the transport is written: what it must show afterwards (values without the password). */
    void beforeWrite(String transportPid, Map<String, Object> values) {
        Optional<ServiceSet.Entry<DataTransportService>> now = transports.withKuraServicePid(transportPid);
        pending = new Write(transportPid, values, now.map(e -> e.service).orElse(null),
                now.map(e -> e.updates).orElse(-1L));
    }

    /** See {@link HubLink.Kura#awaitApplied}. */
    void awaitApplied(String transportPid) throws InterruptedException {
        Write write = pending;
        pending = null;
        if (write == null || !write.transportPid.equals(transportPid)) {
            return;
        }
        if (!transports.await(write::shownBy, wait).isPresent()) {
            LOG.warn("Transport {} did not show the values written within {} s (is its component active?); "
                    + "going on", transportPid, wait.getSeconds());
        }
    }

    /** See {@link HubLink.Kura#isConnected}: false without a DataService. */
    boolean isConnected(String transportPid) {
        List<ServiceSet.Entry<DataService>> found = dataServices.matching(e -> drives(e, transportPid));
        return !found.isEmpty() && found.get(0).service.isConnected();
    }

    /** See {@link HubLink.Kura#disconnect}. */
    void disconnect(String transportPid) {
        List<ServiceSet.Entry<DataService>> found = dataServices.matching(e -> drives(e, transportPid));
        if (!found.isEmpty()) {
            found.get(0).service.disconnect(QUIESCE_MILLIS);
        }
    }

    /** See {@link HubLink.Kura#connect}. */
    long connect(String transportPid) throws HubConnectException, InterruptedException {
        awaitApplied(transportPid);
        Optional<ServiceSet.Entry<DataService>> found = dataServices.await(e -> drives(e, transportPid), wait);
        if (!found.isPresent()) {
            throw new HubConnectException(HubConnectException.Kind.OTHER, "no DataService has "
                    + KuraReferences.DATA_TRANSPORT_TARGET + " selecting transport " + transportPid + " (waited "
                    + wait.getSeconds() + " s); the transport needs a DataService, as in a cloud connection stack");
        }
        DataService dataService = found.get().service;
        listen(dataService);
        if (dataService.isConnected()) {
            return listener.connections();
        }
        try {
            dataService.connect();
        } catch (KuraConnectException | RuntimeException e) {
            // Kura's own reconnect (after someone else's write, or its auto-connect task) may have connected first:
            // Kura's transport connects under its lock, and then refuses a second connect as "Already connected".
            if (!dataService.isConnected()) {
                throw ConnectFailures.classify(e);
            }
        }
        return listener.connections();
    }

    void close() {
        DataService current = listenedTo;
        listenedTo = null;
        if (current != null) {
            try {
                current.removeDataServiceListener(listener);
            } catch (RuntimeException e) {
                LOG.debug("The DataService went before its listener was removed", e);
            }
        }
    }

    /** Whether this DataService's transport target selects the transport with that PID. */
    private boolean drives(ServiceSet.Entry<DataService> dataService, String transportPid) {
        return KuraReferences.selectsTransport(dataService.property(KuraReferences.DATA_TRANSPORT_TARGET),
                transports.withKuraServicePid(transportPid).map(e -> e.reference).orElse(null), transportPid);
    }

    private void listen(DataService dataService) {
        DataService previous = listenedTo;
        if (previous == dataService) {
            return;
        }
        close();
        dataService.addDataServiceListener(listener);
        listenedTo = dataService;
    }

    /** One write to a transport, and the transport's registration as it was before it. */
    private static final class Write {
        final String transportPid;
        final Map<String, Object> values;
        final Object serviceBefore;
        final long updatesBefore;

        Write(String transportPid, Map<String, Object> values, Object serviceBefore, long updatesBefore) {
            this.transportPid = transportPid;
            this.values = new HashMap<>(values);
            this.serviceBefore = serviceBefore;
            this.updatesBefore = updatesBefore;
        }

        /** The transport was updated (or registered anew) since, and shows every value written. */
        boolean shownBy(ServiceSet.Entry<DataTransportService> transport) {
            if (!transportPid.equals(String.valueOf(transport.property(KURA_SERVICE_PID)))) {
                return false;
            }
            if (transport.service == serviceBefore && transport.updates <= updatesBefore) {
                return false;
            }
            for (Map.Entry<String, Object> value : values.entrySet()) {
                if (!TransportProperties.same(transport.property(value.getKey()), value.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Counts the connections the DataService establishes and tells the hub link what it did not cause itself: a
     * connection lost, a disconnect or a connect on another thread.
     */
    private static final class ConnectionListener implements DataServiceListener {
        private final BooleanSupplier ownThread;
        private final KuraConnection kura;
        private final AtomicLong established = new AtomicLong();

        ConnectionListener(BooleanSupplier ownThread, KuraConnection kura) {
            this.ownThread = ownThread;
            this.kura = kura;
        }

        long connections() {
            return established.get();
        }

        @Override
        public void onConnectionLost(Throwable cause) {
            kura.lost(cause == null ? "no cause given" : ConnectFailures.describe(cause), established.get());
        }

        @Override
        public void onConnectionEstablished() {
            long connection = established.incrementAndGet();
            if (!ownThread.getAsBoolean()) {
                kura.established(connection);
            }
        }

        @Override
        public void onDisconnecting() {
        }

        @Override
        public void onDisconnected() {
            if (!ownThread.getAsBoolean()) {
                kura.disconnected(established.get());
            }
        }

        @Override
        public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
        }

        @Override
        public void onMessagePublished(int messageId, String topic) {
        }

        @Override
        public void onMessageConfirmed(int messageId, String topic) {
        }
    }
}
