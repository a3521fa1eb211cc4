package io.kuradps.simulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The network side of an endpoint (DPS or the IoT hub): MQTT over TLS on one port, MQTT over secure WebSocket on
 * another, on Netty.
 */
final class MqttServer implements AutoCloseable {

    /** DPS's bodies are small; the largest packet it decodes. */
    static final int DPS_MAX_PACKET = 256 * 1024;

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final String service;
    private final Function<SocketChannel, ChannelHandler> tlsHandlers;
    private final Set<String> webSocketPaths;
    private final Supplier<ChannelHandler> mqttHandlers;
    private final int maxPacket;
    private Channel mqttListener;
    private Channel webSocketListener;

    /** DPS: one server certificate, WebSocket on every path the SDKs use. */
    MqttServer(SslContext ssl, Supplier<ChannelHandler> dpsHandlers) {
        this("", channel -> ssl.newHandler(channel.alloc()), WebSocketPathFilter.PATHS, dpsHandlers, DPS_MAX_PACKET);
    }

    /**
     * @param service what the port serves, for messages ("" for DPS)
     * @param tlsHandlers the TLS handler of a new connection
     * @param webSocketPaths the paths a WebSocket upgrade is accepted on
     * @param mqttHandlers the MQTT handler of a new connection
     * @param maxPacket the largest MQTT packet decoded; a larger one closes the connection
     */
    MqttServer(String service, Function<SocketChannel, ChannelHandler> tlsHandlers, Set<String> webSocketPaths,
            Supplier<ChannelHandler> mqttHandlers, int maxPacket) {
        this.maxPacket = maxPacket;
        this.service = service;
        this.tlsHandlers = tlsHandlers;
        this.webSocketPaths = webSocketPaths;
        this.mqttHandlers = mqttHandlers;
    }

    void start(String host, int mqttPort, int webSocketPort) {
        try {
            mqttListener = bind(host, mqttPort, false, service + "MQTT");
            if (webSocketPort >= 0) {
                webSocketListener = bind(host, webSocketPort, true, service + "WebSocket");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int mqttPort() {
        return ((InetSocketAddress) mqttListener.localAddress()).getPort();
    }

    int webSocketPort() {
        return webSocketListener == null ? -1 : ((InetSocketAddress) webSocketListener.localAddress()).getPort();
    }

    private Channel bind(String host, int port, boolean webSocket, String what) {
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("tls", tlsHandlers.apply(channel));
                        if (webSocket) {
                            pipeline.addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new WebSocketPathFilter(webSocketPaths),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath(WebSocketPathFilter.HANDLER_PATH).subprotocols("mqtt")
                                            .maxFramePayloadLength(maxPacket).build()),
                                    new WebSocketMqttCodec());
                        }
                        pipeline.addLast(new MqttDecoder(maxPacket), MqttEncoder.INSTANCE, mqttHandlers.get());
                    }
                });
        try {
            Channel listener = bootstrap.bind(host, port).sync().channel();
            channels.add(listener);
            return listener;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the " + what + " port", e);
        } catch (Exception e) {
            if (e instanceof BindException) {
                throw new IllegalStateException("cannot listen for " + what + " on " + host + ":" + port
                        + " (" + e.getMessage() + "): is another process using the port?", e);
            }
            throw e;
        }
    }

    /** Stops listening, closes every connection, then stops the threads. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
