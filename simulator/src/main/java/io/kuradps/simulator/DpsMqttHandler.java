package io.kuradps.simulator;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One device's MQTT connection, speaking DPS: CONNECT checks, the single allowed subscription, register and
 * poll requests, answers on the response topic, and the injected faults. Not sharable: one per channel.
 */
final class DpsMqttHandler extends SimpleChannelInboundHandler<MqttMessage> {

    static final String RESPONSE_FILTER = "$dps/registrations/res/#";
    private static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/?";
    private static final String POLL_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/?";
    private static final System.Logger LOG = System.getLogger(DpsMqttHandler.class.getName());
    private static final int MQTT_3_1_1 = 4;

    private final DpsService service;
    private final Authenticator authenticator;
    private final Faults faults;
    private final Counters counters;
    private final Duration answerDelay;

    private DeviceCredentials device;
    private Authentication authentication;
    private MqttQoS grantedQos;
    private int nextPacketId = 1;

    DpsMqttHandler(DpsService service, Authenticator authenticator, Faults faults, Counters counters,
            Duration answerDelay) {
        this.service = service;
        this.authenticator = authenticator;
        this.faults = faults;
        this.counters = counters;
        this.answerDelay = answerDelay;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counters.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        counters.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            LOG.log(Level.DEBUG, "closing {0}: undecodable MQTT packet: {1}", ctx.channel().remoteAddress(),
                    message.decoderResult().cause().getMessage());
            ctx.close();
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (device == null && type != MqttMessageType.CONNECT) {
            ctx.close();
            return;
        }
        switch (type) {
            case CONNECT -> onConnect(ctx, (MqttConnectMessage) message);
            case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PUBLISH -> onPublish(ctx, (MqttPublishMessage) message);
            case PUBREL -> send(ctx, new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false,
                    MqttQoS.AT_MOST_ONCE, false, 0), message.variableHeader()), false);
            case PINGREQ -> send(ctx, MqttPackets.withoutBody(MqttMessageType.PINGRESP), false);
            case DISCONNECT -> ctx.close();
            case PUBACK, PUBREC, PUBCOMP -> {
                // acknowledgements of our answers: nothing is kept to retry, as DPS keeps no session
            }
            default -> ctx.close();
        }
    }

    private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        if (device != null) {
            ctx.close(); // a second CONNECT is a protocol violation
            return;
        }
        if (connect.variableHeader().version() != MQTT_3_1_1) {
            counters.request(Counters.EventKind.CONNECT, null, null);
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        Optional<DeviceCredentials> parsed = DeviceCredentials.parseUsername(connect.payload().userName());
        if (parsed.isEmpty()) {
            counters.request(Counters.EventKind.CONNECT, null, null);
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        DeviceCredentials credentials = parsed.get();
        counters.request(Counters.EventKind.CONNECT, credentials.registrationId(), null);
        if (!credentials.registrationId().equals(connect.payload().clientIdentifier())) {
            refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        byte[] password = connect.payload().passwordInBytes();
        device = credentials;
        authentication = authenticator.authenticate(credentials,
                password == null ? null : new String(password, StandardCharsets.UTF_8), MqttPackets.peerCertificates(ctx));
        if (!authentication.succeeded()) {
            counters.authenticationFailed(credentials.registrationId(), authentication.reason());
            LOG.log(Level.DEBUG, "{0} is not authenticated: {1}", credentials.registrationId(),
                    authentication.reason());
        }
        MqttPackets.enforceKeepAlive(ctx, connect.variableHeader().keepAliveTimeSeconds(), Long.MAX_VALUE);
        MqttMessage connack = MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(false).build();
        Optional<Fault> fault = faults.take(Faults.Trigger.CONNECT, credentials.registrationId());
        if (fault.orElse(null) instanceof Fault.RefuseConnect refused) {
            refuse(ctx, MqttConnectReturnCode.valueOf((byte) refused.returnCode()));
            return;
        }
        reply(ctx, fault, connack);
    }

    private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
        send(ctx, MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build(), true);
    }

    private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        counters.request(Counters.EventKind.SUBSCRIBE, device.registrationId(), null);
        List<MqttQoS> granted = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            if (RESPONSE_FILTER.equals(subscription.topicName())) {
                MqttQoS qos = subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE
                        : MqttQoS.AT_LEAST_ONCE;
                grantedQos = qos;
                granted.add(qos);
            } else {
                granted.add(MqttQoS.FAILURE);
            }
        }
        MqttMessage suback = MqttMessageBuilders.subAck().packetId(subscribe.variableHeader().messageId())
                .addGrantedQoses(granted.toArray(MqttQoS[]::new)).build();
        reply(ctx, faults.take(Faults.Trigger.SUBSCRIBE, device.registrationId()), suback);
    }

    private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        if (unsubscribe.payload().topics().contains(RESPONSE_FILTER)) {
            grantedQos = null;
        }
        send(ctx, MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build(), false);
    }

    private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        int packetId = publish.variableHeader().packetId();
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            send(ctx, MqttPackets.ack(MqttMessageType.PUBACK, packetId), false);
        } else if (qos == MqttQoS.EXACTLY_ONCE) {
            send(ctx, MqttPackets.ack(MqttMessageType.PUBREC, packetId), false);
        }
        String topic = publish.variableHeader().topicName();
        boolean register = topic.startsWith(REGISTER_PREFIX);
        if (!register && !topic.startsWith(POLL_PREFIX)) {
            LOG.log(Level.DEBUG, "closing {0}: publish to {1}, which DPS does not have", device.registrationId(),
                    topic);
            ctx.close();
            return;
        }
        Map<String, String> parameters = rawParameters(topic.substring(
                register ? REGISTER_PREFIX.length() : POLL_PREFIX.length()));
        String requestId = parameters.getOrDefault("$rid", "");
        String registrationId = device.registrationId();
        counters.request(register ? Counters.EventKind.REGISTER : Counters.EventKind.POLL, registrationId,
                requestId);
        Fault fault = faults.take(register ? Faults.Trigger.REGISTER : Faults.Trigger.POLL, registrationId)
                .orElse(null);
        if (fault instanceof Fault.Drop) {
            ctx.close();
            return;
        }
        if (fault instanceof Fault.Silence) {
            return;
        }
        Answer answer;
        if (fault instanceof Fault.ErrorStatus error) {
            answer = service.error(error.status(), error.errorCode(), "Injected fault.");
            answer = new Answer(answer.status(), error.retryAfterSeconds(), answer.body());
        } else {
            Fault.Outcome forced = fault instanceof Fault.Outcome outcome ? outcome : null;
            byte[] body = ByteBufUtil.getBytes(publish.payload());
            answer = register ? service.register(device, authentication, body, forced)
                    : service.poll(device, authentication, decode(parameters.get("operationId")), forced);
        }
        Duration wait = fault instanceof Fault.Delay delay ? answerDelay.plus(delay.delay()) : answerDelay;
        if (wait.isZero()) {
            publishAnswer(ctx, requestId, answer, fault);
        } else {
            Answer delayed = answer;
            ctx.executor().schedule(() -> publishAnswer(ctx, requestId, delayed, fault), wait.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void publishAnswer(ChannelHandlerContext ctx, String requestId, Answer answer, Fault fault) {
        if (grantedQos == null) {
            LOG.log(Level.DEBUG, "{0} is not subscribed; its answer {1} is lost", device.registrationId(),
                    answer.status());
            return;
        }
        byte[] body = answer.body();
        String answeredId = requestId;
        if (fault instanceof Fault.MalformedJson) {
            body = FaultyBodies.malformed(body);
        } else if (fault instanceof Fault.Oversize oversize) {
            body = FaultyBodies.padded(body, oversize.bytes());
        } else if (fault instanceof Fault.WrongRequestId) {
            answeredId = FaultyBodies.otherRequestId(requestId);
        }
        String retryAfter = answer.retryAfterSeconds() == null ? null : "retry-after=" + answer.retryAfterSeconds();
        String topic = "$dps/registrations/res/" + answer.status() + "/?"
                + (retryAfter != null && fault instanceof Fault.RetryAfterFirst ? retryAfter + "&$rid=" + answeredId
                        : "$rid=" + answeredId + (retryAfter == null ? "" : "&" + retryAfter));
        counters.answer(device.registrationId(), answeredId, answer.status(), answer.retryAfterSeconds());
        MqttMessage publish = MqttMessageBuilders.publish().topicName(topic).qos(grantedQos).retained(false)
                .messageId(grantedQos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId())
                .payload(Unpooled.wrappedBuffer(body)).build();
        send(ctx, publish, fault instanceof Fault.DropAfterAnswer);
    }

    private void reply(ChannelHandlerContext ctx, Optional<Fault> fault, MqttMessage answer) {
        MqttPackets.reply(ctx, fault, answer, latency());
    }

    private void send(ChannelHandlerContext ctx, MqttMessage message, boolean closeAfter) {
        MqttPackets.send(ctx, message, closeAfter, latency());
    }

    private Duration latency() {
        return faults.latencyFor(device == null ? null : device.registrationId());
    }

    private int nextPacketId() {
        int id = nextPacketId;
        nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
        return id;
    }

    /** Topic parameters with their values as sent, so that $rid is echoed exactly. */
    private static Map<String, String> rawParameters(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String part : query.split("&")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parameters.putIfAbsent(part.substring(0, equals), part.substring(equals + 1));
            }
        }
        return parameters;
    }

    private static String decode(String value) {
        if (value == null) {
            return null;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            LOG.log(Level.DEBUG, "closing {0}: silent for 1.5 keep-alive periods", device.registrationId());
            ctx.close();
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "closing " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }
}
