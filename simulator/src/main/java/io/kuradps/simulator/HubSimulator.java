package io.kuradps.simulator;

import io.netty.handler.ssl.SniHandler;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The simulated IoT Hub MQTT endpoint beside the simulated DPS: one listener (MQTT over TLS, and over secure
 * WebSocket on {@value #WEBSOCKET_PATH}) for every hub DPS assigns, which a client picks by the host name it
 * connects to (SNI) and names in its username, as on IoT Hub. It knows the devices DPS assigned to each hub
 * ({@link #registry()}) and checks CONNECT, telemetry and the SAS token's expiry as IoT Hub does (simulator/README.md).
 * Get it from {@link DpsSimulator#hub()}; it stops with the simulator.
 */
public final class HubSimulator implements AutoCloseable {

    /** The only path IoT Hub takes MQTT over WebSocket on. */
    public static final String WEBSOCKET_PATH = "/$iothub/websocket";

    private static final System.Logger LOG = System.getLogger(HubSimulator.class.getName());

    private final MqttServer server;
    private final String host;
    private final HubRegistry registry;
    private final Enrollments enrollments;
    private final HubCounters counters;
    private final Faults faults;
    private final Function<DeviceIdentity, SSLContext> clientContexts;
    private final List<Consumer<TelemetryMessage>> telemetryListeners;

    private HubSimulator(MqttServer server, String host, HubRegistry registry, Enrollments enrollments,
            HubCounters counters, Faults faults, Function<DeviceIdentity, SSLContext> clientContexts,
            List<Consumer<TelemetryMessage>> telemetryListeners) {
        this.server = server;
        this.host = host;
        this.registry = registry;
        this.enrollments = enrollments;
        this.counters = counters;
        this.faults = faults;
        this.clientContexts = clientContexts;
        this.telemetryListeners = telemetryListeners;
    }

    /**
     * Listens for the hubs.
     *
     * @param clientContexts the client TLS contexts trusting the simulator's CA (presenting a device's
     *        certificate when given one)
     * @throws IllegalStateException when a port is taken (naming it)
     */
    static HubSimulator start(String host, int mqttPort, int webSocketPort, CertificateAuthority authority,
            HubRegistry registry, Enrollments enrollments, Clock clock,
            Function<DeviceIdentity, SSLContext> clientContexts) {
        HubCounters counters = new HubCounters(clock);
        Faults faults = new Faults();
        HubSessions sessions = new HubSessions();
        List<Consumer<TelemetryMessage>> listeners = new CopyOnWriteArrayList<>();
        HubAuthenticator authenticator = new HubAuthenticator(clock, authority.certificate());
        registry.onRevoked(device -> sessions.end(device, HubCounters.EventKind.REVOKED,
                device.enabled() ? "the device was deleted" : "the device was disabled"));
        HubCertificates certificates = new HubCertificates(authority, host, name -> serves(registry, enrollments, name));
        MqttServer server = new MqttServer("IoT hub ", channel -> new SniHandler(certificates),
                Set.of(WEBSOCKET_PATH), () -> new HubMqttHandler(registry, authenticator, sessions, counters, faults,
                        clock, message -> listeners.forEach(listener -> listener.accept(message))));
        server.start(host, mqttPort, webSocketPort);
        HubSimulator hub = new HubSimulator(server, host, registry, enrollments, counters, faults, clientContexts,
                listeners);
        LOG.log(Level.INFO, "IoT hub endpoint listening: " + hub);
        return hub;
    }

    /** The port MQTT over TLS listens on (IoT Hub's is {@value LoopbackSocketFactory#HUB_MQTT_PORT}). */
    public int mqttPort() {
        return server.mqttPort();
    }

    /** The port MQTT over secure WebSocket listens on, -1 when off (IoT Hub's is 443). */
    public int webSocketPort() {
        return server.webSocketPort();
    }

    /** The address listened on. */
    public String host() {
        return host;
    }

    /** The hubs' device registries: what DPS assigned; delete or disable a device to have it refused. */
    public HubRegistry registry() {
        return registry;
    }

    /** What the hub saw and accepted. */
    public HubCounters counters() {
        return counters;
    }

    /**
     * Fault injection on the hub, rules naming device ids ({@link Faults.Spec#forDevice}): triggers
     * {@code CONNECT} (e.g. {@code Fault.refuseConnect(5)}, {@code Fault.drop()}), {@code SUBSCRIBE} and
     * {@code TELEMETRY} ({@code drop()}: closed, not accepted; {@code silence()}: not accepted, no PUBACK;
     * {@code delay(d)}: PUBACK late; {@code dropAfterAnswer()}: accepted, PUBACK, closed).
     */
    public Faults faults() {
        return faults;
    }

    /** Calls the listener with every telemetry message the hub accepts, on a network thread; keep it short. */
    public void onTelemetry(Consumer<TelemetryMessage> listener) {
        telemetryListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** True when the host name is one of the hubs: linked to an enrollment, or assigned by DPS. */
    public boolean serves(String hostName) {
        return serves(registry, enrollments, hostName);
    }

    private static boolean serves(HubRegistry registry, Enrollments enrollments, String hostName) {
        if (hostName == null) {
            return false;
        }
        if (registry.hasAssignedTo(hostName) || hostName.equalsIgnoreCase(Enrollment.DEFAULT_HUB)) {
            return true;
        }
        return enrollments.all().stream().flatMap(enrollment -> enrollment.iotHubs().stream())
                .anyMatch(hostName::equalsIgnoreCase);
    }

    /** Reaches the hubs on loopback under their names, trusting the simulator's CA, presenting no certificate. */
    public LoopbackSocketFactory socketFactory() {
        return socketFactory(clientContexts.apply(null).getSocketFactory());
    }

    /** Reaches the hubs on loopback under their names, presenting the device's certificate. */
    public LoopbackSocketFactory socketFactory(DeviceIdentity device) {
        return socketFactory(clientContexts.apply(Objects.requireNonNull(device, "device")).getSocketFactory());
    }

    /**
     * Reaches the hubs on loopback under their names with the given TLS (its trust must include the simulator's
     * CA; its key, if any, is the device's), e.g. one built from a test keystore.
     */
    public LoopbackSocketFactory socketFactory(SSLSocketFactory tls) {
        String loopback = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return new LoopbackSocketFactory(tls, this::serves, loopback, mqttPort(), webSocketPort());
    }

    /** Stops listening and closes every hub connection. */
    @Override
    public void close() {
        server.close();
        LOG.log(Level.INFO, "IoT hub endpoint stopped; " + counters);
    }

    @Override
    public String toString() {
        return "HubSimulator[mqtts://" + host + ":" + mqttPort()
                + (webSocketPort() < 0 ? ", no WebSocket" : ", wss://" + host + ":" + webSocketPort() + WEBSOCKET_PATH)
                + "]";
    }
}
