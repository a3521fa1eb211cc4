package io.kuradps.simulator;

import io.netty.handler.ssl.SniHandler;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The simulated IoT Hub MQTT endpoint beside the simulated DPS: one listener (MQTT over TLS, and over secure
 * WebSocket on {@value #WEBSOCKET_PATH}) for every hub DPS assigns, which a client picks by the host name it
 * connects to (SNI) and names in its username, as on IoT Hub. It knows the devices DPS assigned to each hub
 * ({@link #registry()}) and checks CONNECT, telemetry and the SAS token's expiry as IoT Hub does. Its service side
 * sends cloud-to-device messages, keeps device twins and invokes direct methods, from tests through this class and
 * from anywhere through the optional loopback service API (simulator/README.md). Get it from
 * {@link DpsSimulator#hub()}; it stops with the simulator.
 */
public final class HubSimulator implements AutoCloseable {

    /** The only path IoT Hub takes MQTT over WebSocket on. */
    public static final String WEBSOCKET_PATH = "/$iothub/websocket";

    private static final System.Logger LOG = System.getLogger(HubSimulator.class.getName());
    /**
     * The largest MQTT packet decoded: above IoT Hub's 256 KB message limit, so that the hub, not the decoder,
     * refuses an oversize message and says why.
     */
    private static final int MAX_PACKET = 2 * HubMqttHandler.MAX_TELEMETRY_BYTES;

    private final MqttServer server;
    private final String host;
    private final HubRegistry registry;
    private final Enrollments enrollments;
    private final HubCounters counters;
    private final Faults faults;
    private final Function<DeviceIdentity, SSLContext> clientContexts;
    private final List<Consumer<TelemetryMessage>> telemetryListeners;
    private final IotHubService service;
    private HubServiceApi serviceApi;

    private HubSimulator(MqttServer server, String host, HubRegistry registry, Enrollments enrollments,
            HubCounters counters, Faults faults, Function<DeviceIdentity, SSLContext> clientContexts,
            List<Consumer<TelemetryMessage>> telemetryListeners, IotHubService service) {
        this.server = server;
        this.host = host;
        this.registry = registry;
        this.enrollments = enrollments;
        this.counters = counters;
        this.faults = faults;
        this.clientContexts = clientContexts;
        this.telemetryListeners = telemetryListeners;
        this.service = service;
    }

    /**
     * Listens for the hubs.
     *
     * @param servicePort the loopback service API's port, 0 any free one, -1 none
     * @param clientContexts the client TLS contexts trusting the simulator's CA (presenting a device's
     *        certificate when given one)
     * @throws IllegalStateException when a port is taken (naming it)
     */
    static HubSimulator start(String host, int mqttPort, int webSocketPort, int servicePort,
            CertificateAuthority authority, HubRegistry registry, Enrollments enrollments, Clock clock,
            Function<DeviceIdentity, SSLContext> clientContexts) {
        HubCounters counters = new HubCounters(clock);
        Faults faults = new Faults();
        HubSessions sessions = new HubSessions();
        IotHubService service = new IotHubService(registry, sessions, counters, clock);
        List<Consumer<TelemetryMessage>> listeners = new CopyOnWriteArrayList<>();
        HubAuthenticator authenticator = new HubAuthenticator(clock, authority.certificate());
        registry.onRevoked(device -> {
            sessions.end(device, HubCounters.EventKind.REVOKED,
                    device.enabled() ? "the device was deleted" : "the device was disabled");
            if (registry.device(device.hub(), device.deviceId()).isEmpty()) {
                service.deleted(device);
            }
        });
        HubCertificates certificates = new HubCertificates(authority, host, name -> serves(registry, enrollments, name));
        MqttServer server = new MqttServer("IoT hub ", channel -> new SniHandler(certificates),
                Set.of(WEBSOCKET_PATH), () -> new HubMqttHandler(registry, authenticator, sessions, counters, faults,
                        clock, message -> listeners.forEach(listener -> listener.accept(message)), service),
                MAX_PACKET);
        server.start(host, mqttPort, webSocketPort);
        HubSimulator hub = new HubSimulator(server, host, registry, enrollments, counters, faults, clientContexts,
                listeners, service);
        if (servicePort >= 0) {
            try {
                hub.serviceApi = HubServiceApi.start(hub, servicePort);
            } catch (RuntimeException e) {
                hub.close();
                throw e;
            }
        }
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

    // ---- IoT Hub's service side: what a solution back end does to its devices ----

    /**
     * Sends a cloud-to-device message to the device, as IoT Hub's service API does: it goes into the device's queue
     * (at most {@value CloudToDeviceQueue#MAX_QUEUED} messages) with the hub's default time to live (one hour), and
     * is published on {@code devices/{id}/messages/devicebound/{property bag}} while the device has subscribed,
     * at the QoS it was granted; a QoS 1 message stays in the queue until the device's PUBACK. The device is the one
     * with this id in the hub it is connected to, else in the hub DPS assigned it to last.
     *
     * @param properties application properties, and the system properties a sender may set: {@code $.mid} (else
     *        a generated GUID), {@code $.cid}, {@code $.uid}, {@code $.ct}, {@code $.ce}, and {@code iothub-ack}
     *        ({@code none} unless given); a null value is a property without value
     * @return the message id ({@code $.mid})
     * @throws HubServiceException 404001 for an unknown device, 403004 when its queue is full, 413001 when the
     *         message exceeds {@value CloudToDeviceQueue#MAX_MESSAGE_BYTES} bytes, 400004 for a property a sender may
     *         not set
     */
    public String sendToDevice(String deviceId, byte[] payload, Map<String, String> properties) {
        return sendToDevice(deviceId, payload, properties, CloudToDeviceQueue.DEFAULT_TIME_TO_LIVE);
    }

    /**
     * As {@link #sendToDevice(String, byte[], Map)}, with the message's own time to live (IoT Hub's
     * {@code ExpiryTimeUtc}, at most two days).
     */
    public String sendToDevice(String deviceId, byte[] payload, Map<String, String> properties,
            Duration timeToLive) {
        return service.send(Objects.requireNonNull(deviceId, "deviceId"), Objects.requireNonNull(payload, "payload"),
                Objects.requireNonNull(properties, "properties"), Objects.requireNonNull(timeToLive, "timeToLive"));
    }

    /** As {@link #sendToDevice(String, byte[], Map)} with a UTF-8 text body. */
    public String sendToDevice(String deviceId, String payload, Map<String, String> properties) {
        return sendToDevice(deviceId, payload.getBytes(StandardCharsets.UTF_8), properties);
    }

    /** Every cloud-to-device message sent to the device (its latest hub), oldest first, each in its current state. */
    public List<CloudToDeviceMessage> cloudToDeviceMessages(String deviceId) {
        return service.messages(Objects.requireNonNull(deviceId, "deviceId"));
    }

    /**
     * The device's twin properties (a new device's are empty, at {@code $version} 1).
     *
     * @throws HubServiceException 404001 for an unknown device
     */
    public Twin twin(String deviceId) {
        return service.twin(Objects.requireNonNull(deviceId, "deviceId"));
    }

    /**
     * Patches the desired properties as IoT Hub's service API does (JSON merge patch: members replace or add,
     * {@code null} deletes, objects merge) and pushes the patch, with the new {@code $version}, to the device when
     * it is connected and has subscribed to {@code $iothub/twin/PATCH/properties/desired/#}; a disconnected device
     * learns it by its next twin GET.
     *
     * @param jsonMergePatch a JSON object
     * @return the twin after the patch
     * @throws HubServiceException 404001 for an unknown device, 400004 when the patch is not a JSON object, breaks
     *         IoT Hub's rules for keys and values, or would make the desired properties exceed 32 KB
     */
    public Twin updateDesired(String deviceId, String jsonMergePatch) {
        return service.updateDesired(Objects.requireNonNull(deviceId, "deviceId"),
                Objects.requireNonNull(jsonMergePatch, "jsonMergePatch"));
    }

    /**
     * Waits, at most {@code timeout}, until the device's twin satisfies the condition (e.g. a reported property
     * arrived).
     *
     * @return the twin that satisfied it, empty when the time ran out
     */
    public Optional<Twin> awaitTwin(String deviceId, Predicate<Twin> condition, Duration timeout)
            throws InterruptedException {
        return service.awaitTwin(Objects.requireNonNull(deviceId, "deviceId"),
                Objects.requireNonNull(condition, "condition"), Objects.requireNonNull(timeout, "timeout"));
    }

    /** As {@link #invokeMethod(String, String, String, Duration)} with IoT Hub's default response timeout, 30 s. */
    public CompletableFuture<MethodResult> invokeMethod(String deviceId, String methodName, String jsonPayload) {
        return invokeMethod(deviceId, methodName, jsonPayload, DirectMethods.DEFAULT_RESPONSE_TIMEOUT);
    }

    /**
     * Invokes a direct method as IoT Hub's service API does: publishes {@code $iothub/methods/POST/{method}/?$rid=}
     * (QoS 0) to the connected device and waits for its {@code $iothub/methods/res/{status}/?$rid=}. The future
     * completes with the device's status and body; with 404 / 404103 at once when the device is not connected or has
     * not subscribed to {@code $iothub/methods/POST/#}; with 504 / 504101 when no answer came within the timeout (on
     * the simulator's clock). It never completes exceptionally. Every result is also in
     * {@link HubCounters#methodResults(String)}.
     *
     * @param jsonPayload the request body, JSON (null: {@code null}), at most 128 KB
     * @param responseTimeout 5 to 300 seconds, as IoT Hub's {@code responseTimeoutInSeconds}
     * @throws HubServiceException 404001 for an unknown device, 400004 for a bad method name, payload or timeout,
     *         413001 for a payload over 128 KB
     */
    public CompletableFuture<MethodResult> invokeMethod(String deviceId, String methodName, String jsonPayload,
            Duration responseTimeout) {
        return service.invoke(Objects.requireNonNull(deviceId, "deviceId"), methodName, jsonPayload,
                responseTimeout);
    }

    /**
     * The loopback HTTP port of the service API (IoT Hub's service REST API for twins and methods, and a
     * cloud-to-device send; simulator/README.md), -1 when off ({@link DpsSimulator.Builder#hubServicePort(int)}).
     */
    public int servicePort() {
        return serviceApi == null ? -1 : serviceApi.port();
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

    /** Stops listening and closes every hub connection; method calls still waiting end with 504. */
    @Override
    public void close() {
        if (serviceApi != null) {
            serviceApi.close();
        }
        service.close();
        server.close();
        LOG.log(Level.INFO, "IoT hub endpoint stopped; " + counters);
    }

    @Override
    public String toString() {
        return "HubSimulator[mqtts://" + host + ":" + mqttPort()
                + (webSocketPort() < 0 ? ", no WebSocket" : ", wss://" + host + ":" + webSocketPort() + WEBSOCKET_PATH)
                + (serviceApi == null ? "" : ", service API http://" + HubServiceApi.LOOPBACK + ":" + servicePort())
                + "]";
    }
}
