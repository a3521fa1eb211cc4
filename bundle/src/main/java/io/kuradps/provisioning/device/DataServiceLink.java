package io.kuradps.provisioning.device;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.kura.configuration.ConfigurationService;
import org.eclipse.kura.data.DataService;
import org.eclipse.kura.data.listener.DataServiceListener;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kuradps.provisioning.kura.KuraReferences;

/**
 * The hub link's connection as the room rides it: of the DataServices bound, the one whose
 * {@code DataTransportService.target} selects the hub link's transport ({@link KuraReferences#selectsTransport}, the
 * rule the hub link connects by). It is listened to through {@code addDataServiceListener} (Kura calls a listener of
 * this interface only so: kura.md, fact 9), and subscribes and publishes at QoS 1 with priority 1, which Kura's
 * DataService sends ahead of telemetry and past its rate limit (that holds back priority 5 and above; 1 is what
 * Kura's remote management uses). IoT Hub takes one connection per device: this never opens one. Thread-safe.
 */
final class DataServiceLink implements HubDevice.Connection {

    static final int QOS = 1;
    static final int PRIORITY = 1;

    /** What the selected DataService tells, on Kura's threads. */
    interface Events {
        /** Connected: the DataService was selected while connected, or (re)connected since. */
        void established();

        /** Disconnected, lost, or no longer the selected one. */
        void gone();

        void message(String topic, byte[] payload);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DataServiceLink.class);

    private final Events events;
    private final Map<DataService, ServiceReference<?>> dataServices = new ConcurrentHashMap<>();
    private final Map<ServiceReference<?>, String> transports = new ConcurrentHashMap<>();
    private volatile String transportPid;
    private volatile DataService selected;
    private Listener listener;

    DataServiceLink(Events events) {
        this.events = events;
    }

    void dataServiceBound(DataService service, ServiceReference<?> reference) {
        dataServices.put(service, reference);
        select();
    }

    void dataServiceUnbound(DataService service) {
        dataServices.remove(service);
        select();
    }

    void transportBound(ServiceReference<?> reference) {
        transports.put(reference, String.valueOf(reference.getProperty(
                ConfigurationService.KURA_SERVICE_PID)));
        select();
    }

    void transportUnbound(ServiceReference<?> reference) {
        transports.remove(reference);
        select();
    }

    /** The kura.service.pid of the transport the hub link drives (from its events or its configuration). */
    void transportPid(String pid) {
        if (pid != null && !pid.equals(transportPid)) {
            transportPid = pid;
            select();
        }
    }

    String transportPid() {
        return transportPid;
    }

    /** The selected DataService's kura.service.pid, null when none is selected. */
    String dataServicePid() {
        DataService current = selected;
        ServiceReference<?> reference = current == null ? null : dataServices.get(current);
        Object pid = reference == null ? null
                : reference.getProperty(ConfigurationService.KURA_SERVICE_PID);
        return pid == null ? null : String.valueOf(pid);
    }

    /** Chooses the DataService again after any change, moving the listener when it changed. */
    synchronized void select() {
        DataService chosen = null;
        String pid = transportPid;
        if (pid != null) {
            ServiceReference<?> transport = null;
            for (Map.Entry<ServiceReference<?>, String> entry : transports.entrySet()) {
                if (pid.equals(entry.getValue())) {
                    transport = entry.getKey();
                }
            }
            for (Map.Entry<DataService, ServiceReference<?>> entry : dataServices.entrySet()) {
                if (KuraReferences.selectsTransport(entry.getValue().getProperty(KuraReferences.DATA_TRANSPORT_TARGET),
                        transport, pid)) {
                    chosen = entry.getKey();
                }
            }
        }
        if (chosen == selected) {
            return;
        }
        close();
        if (chosen != null) {
            LOG.info("Riding the DataService {} of transport {}", dataServices.get(chosen)
                    .getProperty(ConfigurationService.KURA_SERVICE_PID), pid);
            listener = new Listener(chosen);
            selected = chosen;
            chosen.addDataServiceListener(listener);
            if (chosen.isConnected()) {
                events.established();
            }
        }
    }

    /** Stops listening; the room has gone or the DataService changed. */
    synchronized void close() {
        DataService previous = selected;
        if (previous == null) {
            return;
        }
        selected = null;
        try {
            previous.removeDataServiceListener(listener);
        } catch (RuntimeException e) {
            LOG.debug("The DataService went before its listener was removed", e);
        }
        listener = null;
        events.gone();
    }

    @Override
    public void subscribe(String filter) throws Exception {
        current().subscribe(filter, QOS);
    }

    @Override
    public void unsubscribe(String filter) throws Exception {
        current().unsubscribe(filter);
    }

    /**
     * Published into the DataService's store, which sends it once connected: a method's answer published while a
     * reconnect is under way still reaches the hub.
     */
    @Override
    public void publish(String topic, byte[] payload) throws Exception {
        current().publish(topic, payload, QOS, false, PRIORITY);
    }

    private DataService current() {
        DataService current = selected;
        if (current == null) {
            throw new IllegalStateException("no DataService drives the hub link's transport " + transportPid);
        }
        return current;
    }

    /** Hears one DataService; told nothing once another is selected. */
    private final class Listener implements DataServiceListener {
        private final DataService dataService;

        Listener(DataService dataService) {
            this.dataService = dataService;
        }

        private boolean current() {
            return selected == dataService;
        }

        @Override
        public void onConnectionEstablished() {
            if (current()) {
                events.established();
            }
        }

        @Override
        public void onDisconnecting() {
        }

        @Override
        public void onDisconnected() {
            if (current()) {
                events.gone();
            }
        }

        @Override
        public void onConnectionLost(Throwable cause) {
            if (current()) {
                events.gone();
            }
        }

        @Override
        public void onMessageArrived(String topic, byte[] payload, int qos, boolean retained) {
            if (current()) {
                events.message(topic, payload);
            }
        }

        @Override
        public void onMessagePublished(int messageId, String topic) {
        }

        @Override
        public void onMessageConfirmed(int messageId, String topic) {
        }
    }
}
