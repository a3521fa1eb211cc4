package io.kuradps.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One simulated gateway's MQTT 3.1.1 connection over TLS, on a shared Netty event loop instead of Paho's six
 * threads per client, so that thousands fit in one JVM on two cores. Every callback runs on the gateway's
 * event loop, and names the link it came from so that a gateway can ignore a connection it already dropped.
 */
final class FleetLink {

    /** What the connection reports; called on the event loop the link was opened on. */
    interface Listener {
        void connAck(FleetLink link, int returnCode);

        void subAck(FleetLink link, int[] grantedQos);

        void message(FleetLink link, String topic, byte[] payload);

        void closed(FleetLink link, String cause, boolean beforeConnAck);
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int KEEP_ALIVE_SECONDS = 60;

    private final Channel channel;
    private int nextPacketId = 1;
    private volatile boolean connAcked;
    private boolean closeReported;

    private FleetLink(Channel channel) {
        this.channel = channel;
    }

    /** Opens TCP and TLS to 127.0.0.1:port and sends CONNECT (clean session); the CONNACK comes to the listener. */
    static FleetLink open(EventLoop loop, SslContext tls, int port, String clientId, String username, char[] password,
            Listener listener) {
        LinkHolder holder = new LinkHolder();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port), new MqttDecoder(1 << 16),
                                MqttEncoder.INSTANCE, new Inbound(holder, listener));
                    }
                });
        ChannelFuture connecting = bootstrap.connect("127.0.0.1", port);
        FleetLink link = new FleetLink(connecting.channel());
        holder.link = link;
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                var connect = MqttMessageBuilders.connect().clientId(clientId).username(username).cleanSession(true)
                        .keepAlive(KEEP_ALIVE_SECONDS).protocolVersion(MqttVersion.MQTT_3_1_1);
                if (password != null) {
                    connect.password(new String(password).getBytes(StandardCharsets.UTF_8));
                }
                link.channel.writeAndFlush(connect.build());
            }
            else {
                // The channel never became active, so channelInactive will not report it.
                link.reportClosed(listener, String.valueOf(done.cause()));
            }
        });
        return link;
    }

    void subscribe(String filter) {
        channel.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId())
                .addSubscription(MqttQoS.AT_LEAST_ONCE, filter).build());
    }

    void publish(String topic, byte[] payload) {
        channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(packetId()).payload(Unpooled.wrappedBuffer(payload)).build());
    }

    /** Sends DISCONNECT when connected, then closes; the listener hears nothing more from this link. */
    void close() {
        if (channel.isActive() && connAcked) {
            channel.writeAndFlush(MqttMessage.DISCONNECT);
        }
        channel.close();
    }

    private void reportClosed(Listener listener, String cause) {
        if (!closeReported) {
            closeReported = true;
            listener.closed(this, cause, !connAcked);
        }
    }

    private int packetId() {
        int id = nextPacketId;
        nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
        return id;
    }

    private static final class LinkHolder {
        volatile FleetLink link;
    }

    private static final class Inbound extends SimpleChannelInboundHandler<MqttMessage> {
        private final LinkHolder holder;
        private final Listener listener;

        Inbound(LinkHolder holder, Listener listener) {
            this.holder = holder;
            this.listener = listener;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
            FleetLink link = holder.link;
            if (message instanceof MqttConnAckMessage connAck) {
                link.connAcked = true;
                listener.connAck(link, connAck.variableHeader().connectReturnCode().byteValue() & 0xFF);
            } else if (message instanceof MqttSubAckMessage subAck) {
                List<Integer> granted = subAck.payload().grantedQoSLevels();
                listener.subAck(link, granted.stream().mapToInt(Integer::intValue).toArray());
            } else if (message instanceof MqttPublishMessage publish) {
                if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
                }
                listener.message(link, publish.variableHeader().topicName(), ByteBufUtil.getBytes(publish.payload()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            holder.link.reportClosed(listener, "connection closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
