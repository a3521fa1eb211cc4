package io.kuradps.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

/**
 * One device's MQTT connection to the simulated IoT hub: CONNECT checked as IoT Hub checks it (refusals are
 * CONNACK 5, the only refusal IoT Hub sends), telemetry on the device's events topic, the subscriptions a device
 * may make, cloud-to-device messages from the device's queue and their PUBACKs, twin requests, desired patches and
 * direct method requests and answers, the session's end when its SAS token expires. Not sharable: one per channel.
 * The service side ({@link IotHubService}) calls in from other threads only through the methods that hand work to
 * the channel's event loop.
 */
final class HubMqttHandler extends SimpleChannelInboundHandler<MqttMessage> {

    /** IoT Hub caps the server side keep-alive timeout at 29.45 minutes. */
    static final long MAX_KEEP_ALIVE_TIMEOUT_MILLIS = 1_767_000;
    /** While a token is valid the session looks at the simulator's clock this often, so a test clock can jump. */
    static final Duration EXPIRY_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(HubMqttHandler.class.getName());
    private static final int MQTT_3_1_1 = 4;
    /** IoT Hub's largest device-to-cloud message, body and properties: 256 KB. */
    static final int MAX_TELEMETRY_BYTES = 256 * 1024;
    static final String TWIN_RESPONSES = "$iothub/twin/res/#";
    static final String DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/#";
    static final String METHOD_REQUESTS = "$iothub/methods/POST/#";
    private static final String TWIN_GET = "$iothub/twin/GET/";
    private static final String REPORTED_PATCH = "$iothub/twin/PATCH/properties/reported/";
    private static final String METHOD_ANSWER = "$iothub/methods/res/";

    private final HubRegistry registry;
    private final HubAuthenticator authenticator;
    private final HubSessions sessions;
    private final HubCounters counters;
    private final Faults faults;
    private final Clock clock;
    private final Consumer<TelemetryMessage> telemetryListener;
    private final IotHubService service;

    private boolean connectSeen;
    private HubDevice device;
    private HubDeviceState state;
    private ChannelHandlerContext context;
    private boolean cleanSession;
    private Instant tokenExpiry;
    private ScheduledFuture<?> expiryCheck;
    private TelemetryMessage will;
    private boolean disconnected;
    private int lastPacketId;
    /* What the device subscribed to; read by the service side's threads. Null: not subscribed. */
    private volatile MqttQoS cloudToDeviceQos;
    private volatile MqttQoS twinResponseQos;
    private volatile MqttQoS desiredPatchQos;
    private volatile boolean methodsSubscribed;

    HubMqttHandler(HubRegistry registry, HubAuthenticator authenticator, HubSessions sessions, HubCounters counters,
            Faults faults, Clock clock, Consumer<TelemetryMessage> telemetryListener, IotHubService service) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.counters = counters;
        this.faults = faults;
        this.clock = clock;
        this.telemetryListener = telemetryListener;
        this.service = service;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counters.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        counters.connectionClosed();
        if (expiryCheck != null) {
            expiryCheck.cancel(false);
        }
        if (device != null) {
            sessions.closed(device, ctx.channel());
            if (state.queue().connectionEnded(ctx.channel())) {
                // a connection that replaced this one delivers them
                sessions.handler(device).ifPresent(HubMqttHandler::offerCloudToDevice);
            }
            HubSessions.End end = ctx.channel().attr(HubSessions.END).get();
            if (end != null && end.kind() != HubCounters.EventKind.DISCONNECTED) {
                counters.record(end.kind(), device.hub(), device.deviceId(), end.detail());
            }
            if (!disconnected && will != null) {
                accept(new TelemetryMessage(will.hub(), will.deviceId(), will.topic(), will.properties(),
                        will.payload(), will.qos(), true, clock.instant()));
            }
            counters.record(HubCounters.EventKind.DISCONNECTED, device.hub(), device.deviceId(),
                    disconnected ? "DISCONNECT" : end != null ? end.detail() : "connection closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            violation(ctx, "undecodable MQTT packet: " + message.decoderResult().cause().getMessage());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (type == MqttMessageType.CONNECT) {
            onConnect(ctx, (MqttConnectMessage) message);
            return;
        }
        if (device == null) {
            ctx.close();
            return;
        }
        switch (type) {
            case PUBLISH -> onPublish(ctx, (MqttPublishMessage) message);
            case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PINGREQ -> send(ctx, MqttPackets.withoutBody(MqttMessageType.PINGRESP), false);
            case DISCONNECT -> {
                disconnected = true;
                ctx.close();
            }
            case PUBACK -> onPubAck(((MqttMessageIdVariableHeader) message.variableHeader()).messageId());
            default -> violation(ctx, type + " packet, which a device does not send");
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        if (connectSeen) {
            violation(ctx, "a second CONNECT");
            return;
        }
        connectSeen = true;
        MqttConnectPayload payload = connect.payload();
        HubCredentials credentials;
        try {
            credentials = HubCredentials.parse(payload.userName());
        } catch (IllegalArgumentException e) {
            refuse(ctx, null, payload.clientIdentifier(), e.getMessage());
            return;
        }
        String hub = credentials.hub();
        String deviceId = credentials.deviceId();
        String serverName = requestedServerName(ctx);
        String refusal = null;
        Optional<HubDevice> known = registry.device(hub, deviceId);
        HubAuthenticator.Admission admission = null;
        if (connect.variableHeader().version() != MQTT_3_1_1) {
            refusal = "MQTT protocol level " + connect.variableHeader().version() + "; the hub speaks MQTT 3.1.1";
        } else if (!deviceId.equals(payload.clientIdentifier())) {
            refusal = "client id '" + payload.clientIdentifier() + "' is not the device id '" + deviceId + "'";
        } else if (serverName != null && !serverName.equalsIgnoreCase(hub)) {
            refusal = "connected to hub " + serverName + " but the username names hub " + hub;
        } else if (known.isEmpty()) {
            refusal = "hub " + hub + " has no device " + deviceId + " (DPS never assigned it there, or it was deleted)";
        } else if (!known.get().enabled()) {
            refusal = "device " + deviceId + " is disabled in hub " + hub;
        } else {
            byte[] password = payload.passwordInBytes();
            admission = authenticator.admit(known.get(),
                    password == null ? null : new String(password, StandardCharsets.UTF_8),
                    MqttPackets.peerCertificates(ctx));
            refusal = admission.refusal();
        }
        if (refusal == null && connect.variableHeader().isWillFlag()) {
            refusal = willRefusal(connect, known.get());
        }
        if (refusal != null) {
            refuse(ctx, hub, deviceId, refusal);
            return;
        }
        Optional<Fault> fault = faults.take(Faults.Trigger.CONNECT, deviceId);
        if (fault.orElse(null) instanceof Fault.RefuseConnect refused) {
            refuse(ctx, hub, deviceId, "injected fault", MqttConnectReturnCode.valueOf((byte) refused.returnCode()));
            return;
        }
        if (fault.orElse(null) instanceof Fault.Drop) {
            counters.record(HubCounters.EventKind.REFUSED, hub, deviceId, "injected fault: closed instead of CONNACK");
            ctx.close();
            return;
        }
        admit(ctx, known.get(), credentials, admission, connect.variableHeader(), fault);
    }

    private void admit(ChannelHandlerContext ctx, HubDevice admitted, HubCredentials credentials,
            HubAuthenticator.Admission admission, MqttConnectVariableHeader header, Optional<Fault> fault) {
        int keepAliveSeconds = header.keepAliveTimeSeconds();
        context = ctx;
        device = admitted;
        state = service.state(admitted);
        cleanSession = header.isCleanSession();
        // IoT Hub keeps the devicebound subscription of a persistent session (CleanSession 0) across connections
        boolean sessionPresent = false;
        if (cleanSession) {
            state.persistentCloudToDeviceQos(null);
        } else if (state.persistentCloudToDeviceQos() != null) {
            cloudToDeviceQos = MqttQoS.valueOf(state.persistentCloudToDeviceQos());
            sessionPresent = true;
        }
        sessions.open(admitted, ctx.channel());
        MqttPackets.enforceKeepAlive(ctx, keepAliveSeconds, MAX_KEEP_ALIVE_TIMEOUT_MILLIS);
        tokenExpiry = admission.tokenExpiry();
        if (tokenExpiry != null) {
            checkExpiry(ctx);
        }
        counters.record(HubCounters.EventKind.CONNECTED, admitted.hub(), admitted.deviceId(),
                "api-version=" + credentials.apiVersion()
                        + (credentials.modelId() == null ? "" : ", model-id=" + credentials.modelId())
                        + ", " + admission.method() + (sessionPresent ? ", session present" : ""));
        MqttPackets.reply(ctx, fault, MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(sessionPresent).build(),
                latency());
        if (sessionPresent) {
            pumpAfterAnswer(ctx, fault);
        }
    }

    /** IoT Hub forwards a Will as telemetry; it must go to the device's events topic. */
    private String willRefusal(MqttConnectMessage connect, HubDevice candidate) {
        String topic = connect.payload().willTopic();
        Map<String, String> properties;
        try {
            properties = telemetryProperties(candidate.deviceId(), topic);
        } catch (IllegalArgumentException e) {
            return "Will topic: " + e.getMessage();
        }
        if (properties == null) {
            return "Will topic " + topic + " is not devices/" + candidate.deviceId() + "/messages/events/";
        }
        if (connect.variableHeader().willQos() > 1) {
            return "Will QoS 2, which IoT Hub does not support";
        }
        will = new TelemetryMessage(candidate.hub(), candidate.deviceId(), topic, properties,
                connect.payload().willMessageInBytes(), connect.variableHeader().willQos(), true, clock.instant());
        return null;
    }

    private void refuse(ChannelHandlerContext ctx, String hub, String deviceId, String reason) {
        refuse(ctx, hub, deviceId, reason, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    private void refuse(ChannelHandlerContext ctx, String hub, String deviceId, String reason,
            MqttConnectReturnCode code) {
        LOG.log(Level.DEBUG, "hub refuses {0}: {1}", deviceId, reason);
        counters.record(HubCounters.EventKind.REFUSED, hub, deviceId, reason);
        MqttPackets.send(ctx, MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build(), true,
                faults.latencyFor(deviceId));
    }

    /** The session ends when its token expires, on the simulator's clock. */
    private void checkExpiry(ChannelHandlerContext ctx) {
        long leftMillis = Duration.between(clock.instant(), tokenExpiry).toMillis();
        if (leftMillis <= 0) {
            HubSessions.end(ctx.channel(), HubCounters.EventKind.TOKEN_EXPIRED,
                    "SAS token expired at " + tokenExpiry.getEpochSecond() + " (epoch seconds)");
            return;
        }
        expiryCheck = ctx.executor().schedule(() -> checkExpiry(ctx),
                Math.min(leftMillis, EXPIRY_CHECK_INTERVAL.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.EXACTLY_ONCE) {
            violation(ctx, "QoS 2 publish, which IoT Hub does not support");
            return;
        }
        if (topic.startsWith(TWIN_GET) || topic.startsWith(REPORTED_PATCH)) {
            onTwinRequest(ctx, publish, topic.startsWith(TWIN_GET));
            return;
        }
        if (topic.startsWith(METHOD_ANSWER)) {
            onMethodAnswer(ctx, publish);
            return;
        }
        Map<String, String> properties;
        try {
            properties = telemetryProperties(device.deviceId(), topic);
        } catch (IllegalArgumentException e) {
            violation(ctx, e.getMessage());
            return;
        }
        if (properties == null) {
            violation(ctx, "publish to " + topic + ", which the hub does not take from " + device.deviceId());
            return;
        }
        int size = publish.payload().readableBytes() + topic.length() - telemetryPrefix().length();
        if (size > MAX_TELEMETRY_BYTES) {
            // IoT Hub closes an MQTT connection that sends a message over its limit, with no other answer
            violation(ctx, "413001 MessageTooLarge: a device-to-cloud message is at most " + MAX_TELEMETRY_BYTES
                    + " bytes with its properties, this one " + size);
            return;
        }
        Fault fault = faults.take(Faults.Trigger.TELEMETRY, device.deviceId()).orElse(null);
        if (fault instanceof Fault.Drop) {
            ctx.close(); // lost on the way: not accepted, not acknowledged
            return;
        }
        if (fault instanceof Fault.Silence) {
            return;
        }
        accept(new TelemetryMessage(device.hub(), device.deviceId(), topic, properties,
                ByteBufUtil.getBytes(publish.payload()), qos.value(), false, clock.instant()));
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            MqttPackets.reply(ctx, Optional.ofNullable(fault),
                    MqttPackets.ack(MqttMessageType.PUBACK, publish.variableHeader().packetId()), latency());
        } else if (fault instanceof Fault.DropAfterAnswer) {
            ctx.close();
        }
    }

    private String telemetryPrefix() {
        return "devices/" + device.deviceId() + "/messages/events/";
    }

    /**
     * {@code $iothub/twin/GET/?$rid=} or {@code $iothub/twin/PATCH/properties/reported/?$rid=} (with an optional
     * {@code &$version=}, the version the device believes current), answered on
     * {@code $iothub/twin/res/{status}/?$rid=} when the device subscribed to {@value #TWIN_RESPONSES}.
     */
    private void onTwinRequest(ChannelHandlerContext ctx, MqttPublishMessage publish, boolean get) {
        String topic = publish.variableHeader().topicName();
        Map<String, String> parameters = parameters(topic);
        String requestId = parameters.get("$rid");
        if (requestId == null || requestId.isEmpty()) {
            violation(ctx, "twin request " + topic + " without $rid");
            return;
        }
        acknowledge(ctx, publish);
        HubCounters.EventKind kind = get ? HubCounters.EventKind.TWIN_GET : HubCounters.EventKind.TWIN_REPORTED;
        Fault fault = faults.take(Faults.Trigger.TWIN, device.deviceId()).orElse(null);
        if (fault instanceof Fault.Drop) {
            counters.record(kind, device.hub(), device.deviceId(), "$rid=" + requestId + ": injected fault, closed");
            ctx.close();
            return;
        }
        if (fault instanceof Fault.Silence) {
            counters.record(kind, device.hub(), device.deviceId(), "$rid=" + requestId + ": injected silence");
            return;
        }
        int status;
        String answerParameters = "";
        byte[] body;
        if (fault instanceof Fault.ErrorStatus error) {
            status = error.status();
            body = errorBody(error.errorCode(), status == 429 ? "ThrottlingException: too many twin requests "
                    + "(injected fault)" : "injected fault");
        } else if (get) {
            status = 200;
            body = state.twin().snapshot(device.hub(), device.deviceId()).document().getBytes(StandardCharsets.UTF_8);
        } else {
            byte[] patch = ByteBufUtil.getBytes(publish.payload());
            try {
                long version = state.twin().patchReported(patch, baseVersion(parameters.get("$version")));
                status = 204;
                answerParameters = "&$version=" + version;
                body = new byte[0];
            } catch (DeviceTwinState.Rejection e) {
                status = e.status();
                body = errorBody(status * 1000 + (status == 400 ? 4 : 0),
                        (status == 400 ? "ArgumentInvalid: " : "PreconditionFailed: ") + e.getMessage());
            }
        }
        MqttQoS answerQos = twinResponseQos;
        counters.record(kind, device.hub(), device.deviceId(), "$rid=" + requestId + " -> " + status + answerParameters
                + (status >= 400 ? " " + new String(body, StandardCharsets.UTF_8) : "")
                + (answerQos == null ? " (not answered: the device has not subscribed to " + TWIN_RESPONSES + ")"
                        : ""));
        if (answerQos != null) {
            MqttPackets.reply(ctx, Optional.ofNullable(fault), publish("$iothub/twin/res/" + status + "/?$rid="
                    + requestId + answerParameters, answerQos, body), latency());
        }
    }

    private static Long baseVersion(String parameter) throws DeviceTwinState.Rejection {
        if (parameter == null) {
            return null;
        }
        try {
            return Long.parseLong(parameter);
        } catch (NumberFormatException e) {
            throw new DeviceTwinState.Rejection("$version '" + parameter + "' is not a number");
        }
    }

    /** {@code $iothub/methods/res/{status}/?$rid=}: the device's answer to a method request. */
    private void onMethodAnswer(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        String rest = topic.substring(METHOD_ANSWER.length());
        int slash = rest.indexOf('/');
        String requestId = parameters(topic).get("$rid");
        int status;
        try {
            status = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
        } catch (NumberFormatException e) {
            violation(ctx, "method answer " + topic + " whose status is not an integer");
            return;
        }
        if (requestId == null) {
            violation(ctx, "method answer " + topic + " without $rid");
            return;
        }
        acknowledge(ctx, publish);
        service.methodAnswered(device, requestId, status, ByteBufUtil.getBytes(publish.payload()));
    }

    private void acknowledge(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            send(ctx, MqttPackets.ack(MqttMessageType.PUBACK, publish.variableHeader().packetId()), false);
        }
    }

    private byte[] errorBody(int errorCode, String message) {
        return DpsJson.bytes(DpsJson.errorBody(errorCode, message, clock.instant()));
    }

    /** The parameters after the topic's {@code ?}, undecoded ({@code $rid} is echoed as sent). */
    private static Map<String, String> parameters(String topic) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int question = topic.indexOf('?');
        if (question >= 0) {
            for (String pair : topic.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
        }
        return parameters;
    }

    private void onPubAck(int packetId) {
        CloudToDeviceMessage completed = state.queue().acknowledged(packetId, context.channel(), clock.instant());
        if (completed != null) {
            counters.record(HubCounters.EventKind.CLOUD_TO_DEVICE_ACKNOWLEDGED, device.hub(), device.deviceId(),
                    HubCounters.MESSAGE_ID + completed.messageId());
        }
    }

    // ---- called by the service side, from any thread ----

    /** Publishes what waits in the device's queue, if the device has subscribed to its devicebound topic. */
    void offerCloudToDevice() {
        context.executor().execute(this::deliverCloudToDevice);
    }

    /**
     * Pushes a desired patch to the device when it has subscribed to {@value #DESIRED_PATCHES}.
     *
     * @return false when it has not
     */
    boolean pushDesired(ObjectNode patch, long version) {
        MqttQoS qos = desiredPatchQos;
        if (qos == null) {
            return false;
        }
        byte[] body = DpsJson.bytes(patch);
        context.executor().execute(() -> send(context, publish("$iothub/twin/PATCH/properties/desired/?$version="
                + version, qos, body), false));
        return true;
    }

    /** True when the device has subscribed to {@value #METHOD_REQUESTS}. */
    boolean subscribedToMethods() {
        return methodsSubscribed;
    }

    /** Publishes a method request, at QoS 0 as IoT Hub does. */
    void requestMethod(String methodName, String requestId, String jsonPayload) {
        byte[] body = jsonPayload.getBytes(StandardCharsets.UTF_8);
        context.executor().execute(() -> send(context, publish("$iothub/methods/POST/" + methodName + "/?$rid="
                + requestId, MqttQoS.AT_MOST_ONCE, body), false));
    }

    // ---- on the event loop ----

    private void deliverCloudToDevice() {
        MqttQoS qos = cloudToDeviceQos;
        if (qos == null || !context.channel().isActive()) {
            return;
        }
        for (CloudToDeviceMessage expired : state.queue().expire(clock.instant())) {
            counters.record(HubCounters.EventKind.CLOUD_TO_DEVICE_EXPIRED, device.hub(), device.deviceId(),
                    HubCounters.MESSAGE_ID + expired.messageId());
        }
        while (true) {
            int packetId = qos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId();
            CloudToDeviceMessage message = state.queue().deliverNext(qos.value(), packetId, context.channel(),
                    clock.instant());
            if (message == null) {
                return;
            }
            counters.record(HubCounters.EventKind.CLOUD_TO_DEVICE_SENT, device.hub(), device.deviceId(),
                    HubCounters.MESSAGE_ID + message.messageId() + ", qos=" + qos.value());
            String topic = "devices/" + device.deviceId() + "/messages/devicebound/"
                    + PropertyBag.encode(message.properties());
            send(context, MqttMessageBuilders.publish().topicName(topic).qos(qos).retained(false).messageId(packetId)
                    .payload(Unpooled.wrappedBuffer(message.payload())).build(), false);
        }
    }

    /** Delivers the queue once the answer just handed to {@link MqttPackets#reply} is out. */
    private void pumpAfterAnswer(ChannelHandlerContext ctx, Optional<Fault> fault) {
        Fault f = fault.orElse(null);
        if (f instanceof Fault.Silence || f instanceof Fault.Drop || f instanceof Fault.DropAfterAnswer) {
            return;
        }
        Duration after = latency().plus(f instanceof Fault.Delay delay ? delay.delay() : Duration.ZERO);
        if (after.isZero()) {
            deliverCloudToDevice();
        } else {
            ctx.executor().schedule(this::deliverCloudToDevice, after.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private MqttPublishMessage publish(String topic, MqttQoS qos, byte[] body) {
        return MqttMessageBuilders.publish().topicName(topic).qos(qos).retained(false)
                .messageId(qos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId()).payload(Unpooled.wrappedBuffer(body))
                .build();
    }

    private int nextPacketId() {
        lastPacketId = lastPacketId % 65535 + 1;
        return lastPacketId;
    }

    private void accept(TelemetryMessage message) {
        counters.accepted(message);
        try {
            telemetryListener.accept(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a telemetry listener failed", e);
        }
    }

    /**
     * The property bag of a topic {@code devices/{deviceId}/messages/events/{bag}}, percent-decoded; null when
     * the topic is not that device's events topic.
     *
     * @throws IllegalArgumentException when the bag is not percent-encoded
     */
    static Map<String, String> telemetryProperties(String deviceId, String topic) {
        String prefix = "devices/" + deviceId + "/messages/events/";
        if (topic == null || !topic.startsWith(prefix)) {
            return null;
        }
        try {
            return PropertyBag.decode(topic.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("property bag of " + topic + " is not percent-encoded", e);
        }
    }

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        String cloudToDevice = cloudToDeviceFilter();
        List<MqttQoS> granted = new ArrayList<>();
        List<String> filters = new ArrayList<>();
        boolean deviceBound = false;
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            String filter = subscription.topicName();
            filters.add(filter);
            // IoT Hub grants QoS 1 at most
            MqttQoS qos = subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE
                    : MqttQoS.AT_LEAST_ONCE;
            switch (filter) {
                case TWIN_RESPONSES -> twinResponseQos = qos;
                case DESIRED_PATCHES -> desiredPatchQos = qos;
                case METHOD_REQUESTS -> methodsSubscribed = true;
                default -> {
                    if (!filter.equals(cloudToDevice)) {
                        qos = MqttQoS.FAILURE;
                    }
                }
            }
            if (filter.equals(cloudToDevice)) {
                deviceBound = true;
                cloudToDeviceQos = qos;
                state.persistentCloudToDeviceQos(cleanSession ? null : qos.value());
            }
            granted.add(qos);
        }
        counters.record(HubCounters.EventKind.SUBSCRIBE, device.hub(), device.deviceId(), String.join(" ", filters));
        Optional<Fault> fault = faults.take(Faults.Trigger.SUBSCRIBE, device.deviceId());
        MqttPackets.reply(ctx, fault, MqttMessageBuilders.subAck()
                .packetId(subscribe.variableHeader().messageId()).addGrantedQoses(granted.toArray(MqttQoS[]::new))
                .build(), latency());
        if (deviceBound) {
            pumpAfterAnswer(ctx, fault);
        }
    }

    private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        List<String> filters = unsubscribe.payload().topics();
        for (String filter : filters) {
            switch (filter) {
                case TWIN_RESPONSES -> twinResponseQos = null;
                case DESIRED_PATCHES -> desiredPatchQos = null;
                case METHOD_REQUESTS -> methodsSubscribed = false;
                default -> {
                    if (filter.equals(cloudToDeviceFilter())) {
                        cloudToDeviceQos = null;
                        state.persistentCloudToDeviceQos(null);
                    }
                }
            }
        }
        counters.record(HubCounters.EventKind.UNSUBSCRIBE, device.hub(), device.deviceId(), String.join(" ", filters));
        send(ctx, MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build(), false);
    }

    private String cloudToDeviceFilter() {
        return "devices/" + device.deviceId() + "/messages/devicebound/#";
    }

    private void violation(ChannelHandlerContext ctx, String reason) {
        LOG.log(Level.DEBUG, "hub closes {0}: {1}", device == null ? ctx.channel().remoteAddress() : device.deviceId(),
                reason);
        HubSessions.end(ctx.channel(), HubCounters.EventKind.PROTOCOL_VIOLATION, reason);
    }

    private void send(ChannelHandlerContext ctx, MqttMessage message, boolean closeAfter) {
        MqttPackets.send(ctx, message, closeAfter, latency());
    }

    private Duration latency() {
        return faults.latencyFor(device == null ? null : device.deviceId());
    }

    /** The host name the client asked for in its TLS ClientHello (SNI), or null. */
    private static String requestedServerName(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null && ssl.engine().getSession() instanceof ExtendedSSLSession session) {
            for (SNIServerName name : session.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            HubSessions.end(ctx.channel(), HubCounters.EventKind.DISCONNECTED,
                    "silent for 1.5 keep-alive periods");
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "hub closes " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }
}
