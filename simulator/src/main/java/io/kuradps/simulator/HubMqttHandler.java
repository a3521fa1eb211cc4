package io.kuradps.simulator;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;

/**
 * One device's MQTT connection to the simulated IoT hub: CONNECT checked as IoT Hub checks it (refusals are
 * CONNACK 5, the only refusal IoT Hub sends), telemetry on the device's events topic, the subscriptions a device
 * may make, the session's end when its SAS token expires. Not sharable: one per channel.
 */
final class HubMqttHandler extends SimpleChannelInboundHandler<MqttMessage> {

    /** IoT Hub caps the server side keep-alive timeout at 29.45 minutes. */
    static final long MAX_KEEP_ALIVE_TIMEOUT_MILLIS = 1_767_000;
    /** While a token is valid the session looks at the simulator's clock this often, so a test clock can jump. */
    static final Duration EXPIRY_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(HubMqttHandler.class.getName());
    private static final int MQTT_3_1_1 = 4;
    private static final Set<String> SERVICE_FILTERS = Set.of("$iothub/twin/res/#", "$iothub/methods/POST/#",
            "$iothub/twin/PATCH/properties/desired/#");

    private final HubRegistry registry;
    private final HubAuthenticator authenticator;
    private final HubSessions sessions;
    private final HubCounters counters;
    private final Faults faults;
    private final Clock clock;
    private final Consumer<TelemetryMessage> telemetryListener;

    private boolean connectSeen;
    private HubDevice device;
    private Instant tokenExpiry;
    private ScheduledFuture<?> expiryCheck;
    private TelemetryMessage will;
    private boolean disconnected;

    HubMqttHandler(HubRegistry registry, HubAuthenticator authenticator, HubSessions sessions, HubCounters counters,
            Faults faults, Clock clock, Consumer<TelemetryMessage> telemetryListener) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.counters = counters;
        this.faults = faults;
        this.clock = clock;
        this.telemetryListener = telemetryListener;
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
            case UNSUBSCRIBE -> send(ctx, MqttMessageBuilders.unsubAck()
                    .packetId(((MqttUnsubscribeMessage) message).variableHeader().messageId()).build(), false);
            case PINGREQ -> send(ctx, MqttPackets.withoutBody(MqttMessageType.PINGRESP), false);
            case DISCONNECT -> {
                disconnected = true;
                ctx.close();
            }
            case PUBACK -> {
                // the hub sends no cloud-to-device messages, so there is nothing to acknowledge
            }
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
        admit(ctx, known.get(), credentials, admission, connect.variableHeader().keepAliveTimeSeconds(), fault);
    }

    private void admit(ChannelHandlerContext ctx, HubDevice admitted, HubCredentials credentials,
            HubAuthenticator.Admission admission, int keepAliveSeconds, Optional<Fault> fault) {
        device = admitted;
        sessions.open(admitted, ctx.channel());
        MqttPackets.enforceKeepAlive(ctx, keepAliveSeconds, MAX_KEEP_ALIVE_TIMEOUT_MILLIS);
        tokenExpiry = admission.tokenExpiry();
        if (tokenExpiry != null) {
            checkExpiry(ctx);
        }
        counters.record(HubCounters.EventKind.CONNECTED, admitted.hub(), admitted.deviceId(),
                "api-version=" + credentials.apiVersion()
                        + (credentials.modelId() == null ? "" : ", model-id=" + credentials.modelId())
                        + ", " + admission.method());
        MqttPackets.reply(ctx, fault, MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(false).build(), latency());
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
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : topic.substring(prefix.length()).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                properties.put(URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8),
                        equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property bag of " + topic + " is not percent-encoded", e);
            }
        }
        return properties;
    }

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        String cloudToDevice = "devices/" + device.deviceId() + "/messages/devicebound/#";
        List<MqttQoS> granted = new ArrayList<>();
        List<String> filters = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            String filter = subscription.topicName();
            filters.add(filter);
            if (filter.equals(cloudToDevice) || SERVICE_FILTERS.contains(filter)) {
                // IoT Hub grants QoS 1 at most
                granted.add(subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE
                        : MqttQoS.AT_LEAST_ONCE);
            } else {
                granted.add(MqttQoS.FAILURE);
            }
        }
        counters.record(HubCounters.EventKind.SUBSCRIBE, device.hub(), device.deviceId(), String.join(" ", filters));
        MqttPackets.reply(ctx, faults.take(Faults.Trigger.SUBSCRIBE, device.deviceId()), MqttMessageBuilders.subAck()
                .packetId(subscribe.variableHeader().messageId()).addGrantedQoses(granted.toArray(MqttQoS[]::new))
                .build(), latency());
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
