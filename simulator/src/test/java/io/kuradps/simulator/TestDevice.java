package io.kuradps.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

/**
 * A raw MQTT 3.1.1 device for tests, on Netty: sends exactly the packets a test asks for and records every
 * packet the simulator sends back, and when the connection closes.
 */
final class TestDevice implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String RESPONSES = "$dps/registrations/res/#";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final EventLoopGroup GROUP = new NioEventLoopGroup(2);

    private final BlockingQueue<MqttMessage> received;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger packetIds = new AtomicInteger(1);
    private final Channel channel;
    /** The session present flag of the last CONNACK. */
    private volatile boolean sessionPresent;

    private TestDevice(Channel channel, BlockingQueue<MqttMessage> received) {
        this.channel = channel;
        this.received = received;
        channel.closeFuture().addListener(f -> closed.countDown());
    }

    static TestDevice open(DpsSimulator simulator) {
        return open(simulator.mqttPort(), simulator.clientSslContext());
    }

    static TestDevice open(int port, SSLContext ssl) {
        return open(port, ssl, "localhost");
    }

    /** Opens a connection to 127.0.0.1 whose TLS names the server (SNI; an IP address sends none). */
    static TestDevice open(int port, SSLContext ssl, String serverName) {
        JdkSslContext context = new JdkSslContext(ssl, true, null, IdentityCipherSuiteFilter.INSTANCE, null,
                ClientAuth.NONE, null, false);
        BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();
        Channel channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc(), serverName, port),
                                new MqttDecoder(1 << 20), MqttEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<MqttMessage>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                        inbox.add(msg instanceof MqttPublishMessage p ? copy(p) : msg);
                                    }
                                });
                    }
                }).connect("127.0.0.1", port).syncUninterruptibly().channel();
        return new TestDevice(channel, inbox);
    }

    private static MqttPublishMessage copy(MqttPublishMessage p) {
        return new MqttPublishMessage(p.fixedHeader(), p.variableHeader(), Unpooled.copiedBuffer(p.payload()));
    }

    /** Sends CONNECT (MQTT 3.1.1, clean session) and waits for CONNACK; null when the server closed instead. */
    MqttConnectReturnCode connect(String clientId, String username, String password) {
        return connect(clientId, username, password, true, MqttVersion.MQTT_3_1_1);
    }

    MqttConnectReturnCode connect(String clientId, String username, String password, boolean cleanSession,
            MqttVersion version) {
        return connect(clientId, username, password, cleanSession, version, 60);
    }

    MqttConnectReturnCode connect(String clientId, String username, String password, boolean cleanSession,
            MqttVersion version, int keepAliveSeconds) {
        var builder = MqttMessageBuilders.connect().clientId(clientId).username(username).cleanSession(cleanSession)
                .keepAlive(keepAliveSeconds).protocolVersion(version);
        if (password != null) {
            builder.password(password.getBytes(StandardCharsets.UTF_8));
        }
        channel.writeAndFlush(builder.build());
        MqttMessage answer = next(WAIT);
        if (answer == null) {
            return null;
        }
        assertThat(answer).isInstanceOf(MqttConnAckMessage.class);
        sessionPresent = ((MqttConnAckMessage) answer).variableHeader().isSessionPresent();
        return ((MqttConnAckMessage) answer).variableHeader().connectReturnCode();
    }

    /** Connects as a symmetric-key device of the simulator. */
    MqttConnectReturnCode connect(DpsSimulator simulator, String registrationId, String base64Key) {
        return connect(registrationId, username(simulator.idScope(), registrationId),
                sas(simulator.idScope(), registrationId, base64Key, nowPlus(3600)));
    }

    /** Sends CONNECT as a symmetric-key device and does not wait for anything. */
    void sendConnect(DpsSimulator simulator, String registrationId, String base64Key) {
        channel.writeAndFlush(MqttMessageBuilders.connect().clientId(registrationId)
                .username(username(simulator.idScope(), registrationId)).cleanSession(true).keepAlive(60)
                .protocolVersion(MqttVersion.MQTT_3_1_1).password(sas(simulator.idScope(), registrationId, base64Key,
                        nowPlus(3600)).getBytes(StandardCharsets.UTF_8)).build());
    }

    /** The session present flag of the last CONNACK. */
    boolean sessionPresent() {
        return sessionPresent;
    }

    /** The next PUBLISH from the server within the time, not acknowledged (other packets are skipped), else null. */
    MqttPublishMessage publishOrNull(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            MqttMessage message = left > 0 ? next(Duration.ofNanos(left)) : null;
            if (message == null) {
                return null;
            }
            if (message instanceof MqttPublishMessage publish) {
                return publish;
            }
        }
    }

    /** The next PUBLISH from the server, not acknowledged; fails the test after {@link #WAIT}. */
    MqttPublishMessage nextPublish() {
        MqttPublishMessage publish = publishOrNull(WAIT);
        assertThat(publish).as("a PUBLISH from the server").isNotNull();
        return publish;
    }

    /** Acknowledges a QoS 1 PUBLISH the server sent. */
    void puback(int packetId) {
        channel.writeAndFlush(MqttMessageBuilders.pubAck().packetId(packetId).build());
    }

    /** Any packet from the simulator within the time, else null. */
    MqttMessage packetOrNull(Duration within) {
        return next(within);
    }

    /** Subscribes and returns the granted QoS values; null when the server closed instead. */
    List<Integer> subscribe(MqttQoS qos, String... filters) {
        var builder = MqttMessageBuilders.subscribe().messageId(packetIds.getAndIncrement());
        for (String filter : filters) {
            builder.addSubscription(qos, filter);
        }
        channel.writeAndFlush(builder.build());
        MqttMessage answer = next();
        if (answer == null) {
            return null;
        }
        assertThat(answer).isInstanceOf(MqttSubAckMessage.class);
        return ((MqttSubAckMessage) answer).payload().grantedQoSLevels();
    }

    void subscribeToResponses() {
        assertThat(subscribe(MqttQoS.AT_LEAST_ONCE, RESPONSES)).containsExactly(1);
    }

    /** Unsubscribes; true when UNSUBACK came. */
    boolean unsubscribe(String filter) {
        channel.writeAndFlush(MqttMessageBuilders.unsubscribe().messageId(packetIds.getAndIncrement())
                .addTopicFilter(filter).build());
        MqttMessage answer = next();
        return answer != null && answer.fixedHeader().messageType() == MqttMessageType.UNSUBACK;
    }

    /** Sends PINGREQ; true when PINGRESP came. */
    boolean ping() {
        channel.writeAndFlush(new MqttMessage(new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PINGREQ,
                false, MqttQoS.AT_MOST_ONCE, false, 0)));
        MqttMessage answer = next();
        return answer != null && answer.fixedHeader().messageType() == MqttMessageType.PINGRESP;
    }

    /** Publishes at QoS 1 without waiting for anything. */
    void publish(String topic, String body) {
        publish(topic, body, MqttQoS.AT_LEAST_ONCE);
    }

    void publish(String topic, String body, MqttQoS qos) {
        publish(topic, body.getBytes(StandardCharsets.UTF_8), qos);
    }

    void publish(String topic, byte[] body, MqttQoS qos) {
        channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(qos)
                .messageId(qos == MqttQoS.AT_MOST_ONCE ? 0 : packetIds.getAndIncrement())
                .payload(Unpooled.wrappedBuffer(body)).build());
    }

    void register(String requestId, String registrationId) {
        publish("$dps/registrations/PUT/iotdps-register/?$rid=" + requestId,
                "{\"registrationId\":\"" + registrationId + "\"}");
    }

    void poll(String requestId, String operationId) {
        publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + requestId + "&operationId="
                + URLEncoder.encode(operationId, StandardCharsets.UTF_8), "");
    }

    /** The next PUBLISH from the simulator (acks are skipped); fails the test after {@link #WAIT}. */
    Response response() {
        Response response = responseOrNull(WAIT);
        assertThat(response).as("a response on the response topic").isNotNull();
        return response;
    }

    /** The next PUBLISH within the time, else null (used to show silence). */
    Response responseOrNull(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            MqttMessage message;
            try {
                message = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (message == null) {
                return null;
            }
            if (message instanceof MqttPublishMessage publish) {
                if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    channel.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId())
                            .build());
                }
                return new Response(publish.variableHeader().topicName(), publish.fixedHeader().qosLevel(),
                        publish.payload().toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** Registers and polls until a terminal answer; returns it. */
    Response provision(String registrationId) {
        register("1", registrationId);
        Response answer = response();
        int rid = 2;
        while (answer.status() == 202) {
            poll(Integer.toString(rid++), answer.json().path("operationId").asText());
            answer = response();
        }
        return answer;
    }

    private MqttMessage next() {
        return next(WAIT);
    }

    private MqttMessage next(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                MqttMessage message = received.poll(50, TimeUnit.MILLISECONDS);
                if (message != null) {
                    return message;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (closed.getCount() == 0 && received.isEmpty()) {
                return null;
            }
        }
        return null;
    }

    /** True when the server closed the connection within the wait. */
    boolean awaitClosed() {
        try {
            return closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    static String username(String idScope, String registrationId) {
        return idScope + "/registrations/" + registrationId + "/api-version=2019-03-31&ClientVersion=test%2F1.0";
    }

    static long nowPlus(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    /** A SAS token with the resource encoded the C# way (%2F). */
    static String sas(String idScope, String registrationId, String base64Key, long expiry) {
        String sr = URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8);
        return sasWithResource(sr, base64Key, expiry);
    }

    static String sasWithResource(String sr, String base64Key, long expiry) {
        String sig = Base64.getEncoder().encodeToString(hmac(Base64.getDecoder().decode(base64Key), sr + "\n" + expiry));
        return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se="
                + expiry + "&skn=registration";
    }

    static String derivedKey(String groupKey, String registrationId) {
        return Base64.getEncoder().encodeToString(hmac(Base64.getDecoder().decode(groupKey), registrationId));
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A PUBLISH the simulator sent. */
    record Response(String topic, MqttQoS qos, String body) {
        int status() {
            String rest = topic.substring("$dps/registrations/res/".length());
            return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
        }

        String parameter(String name) {
            for (String part : topic.substring(topic.indexOf('?') + 1).split("&")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            return null;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
