package io.kuradps.provisioning.hub;

import static org.eclipse.kura.configuration.ConfigurationService.KURA_SERVICE_PID;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.eclipse.kura.KuraConnectException;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.DataTransportService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.kura.KuraReferences;

/**
 * Has the DataService of a transport connect, as Kura wires them: the DataService whose
 * {@code DataTransportService.target} selects the transport. A write to the transport reaches it asynchronously
 * (ConfigAdmin, then Declarative Services call its {@code updated}, which makes the DataService disconnect and,
 * if it was connected, connect again); so after a write, connecting waits until the transport's service properties
 * show the values written, bounded. It also listens to that DataService, so a connection lost later (the hub closed
 * it) reaches the hub link. Called from the hub link's thread only, except {@link #close}.
 */
final class TransportConnector {

    /** How long Kura's components may take to appear or to take a configuration before the hub link goes on. */
    static final Duration SERVICE_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(TransportConnector.class);

    private final ServiceSet<DataService> dataServices;
    private final ServiceSet<DataTransportService> transports;
    private final Duration wait;
    private final DataServiceListener listener;
    private volatile DataService listenedTo;
    private Write pending;

    /**
     * @param lost told the cause of each connection the DataService loses (on Kura's thread)
     */
    TransportConnector(ServiceSet<DataService> dataServices, ServiceSet<DataTransportService> transports,
            Duration wait, Consumer<String> lost) {
        this.dataServices = dataServices;
        this.transports = transports;
        this.wait = wait;
        this.listener = new LossListener(lost);
    }

    /** Just before the transport is written: what it must show afterwards (values without the password). */
    void beforeWrite(String transportPid, Map<String, Object> values) {
        Optional<ServiceSet.Entry<DataTransportService>> now = transports.withKuraServicePid(transportPid);
        pending = new Write(transportPid, values, now.map(e -> e.service).orElse(null),
                now.map(e -> e.updates).orElse(-1L));
    }

    /** See {@link HubLink.Kura#connect}. */
    void connect(String transportPid) throws HubConnectException, InterruptedException {
        awaitWrite(transportPid);
        Optional<ServiceSet.Entry<DataService>> found = dataServices.await(e -> drives(e, transportPid), wait);
        if (!found.isPresent()) {
            throw new HubConnectException(HubConnectException.Kind.OTHER, "no DataService has "
                    + KuraReferences.DATA_TRANSPORT_TARGET + " selecting transport " + transportPid + " (waited "
                    + wait.getSeconds() + " s); the transport needs a DataService, as in a cloud connection stack");
        }
        DataService dataService = found.get().service;
        listen(dataService);
        if (dataService.isConnected()) {
            return;
        }
        try {
            dataService.connect();
        } catch (KuraConnectException | RuntimeException e) {
            // Kura's own reconnect (after the write, or its auto-connect task) may have won the race.
            if (!dataService.isConnected()) {
                throw ConnectFailures.classify(e);
            }
        }
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

    private void awaitWrite(String transportPid) throws InterruptedException {
        Write write = pending;
        pending = null;
        if (write == null || !write.transportPid.equals(transportPid)) {
            return;
        }
        if (!transports.await(write::shownBy, wait).isPresent()) {
            LOG.warn("Transport {} did not show the values written within {} s (is its component active?); "
                    + "connecting anyway", transportPid, wait.getSeconds());
        }
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

    /** Hears only losses: a renewal's reconnect is a disconnect, not a loss. */
    private static final class LossListener implements DataServiceListener {
        private final Consumer<String> lost;

        LossListener(Consumer<String> lost) {
            this.lost = lost;
        }

        @Override
        public void onConnectionLost(Throwable cause) {
            lost.accept(cause == null ? "no cause given" : ConnectFailures.describe(cause));
        }

        @Override
        public void onConnectionEstablished() {
        }

        @Override
        public void onDisconnecting() {
        }

        @Override
        public void onDisconnected() {
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
