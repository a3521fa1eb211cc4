package io.kuradps.simulator;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small load driver: opens many device connections at once (TLS, CONNECT, SUBSCRIBE), keeps them all
 * open, then has every device register and poll at the same time. Reports figures; asserts nothing itself.
 * Run standalone: {@code java -cp <test classpath> io.kuradps.simulator.LoadDriver 2000}.
 */
final class LoadDriver {

    static final String GROUP_KEY = RegistrationTest.GROUP_KEY;

    /** What one run achieved. */
    record Result(int devices, int connected, int assigned, int peakOpenConnections, Duration connectTime,
            Duration registerTime, long failures) {
        double connectionsPerSecond() {
            return connected / seconds(connectTime);
        }

        double registrationsPerSecond() {
            return assigned / seconds(registerTime);
        }

        private static double seconds(Duration d) {
            return Math.max(1e-9, d.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%d devices: %d connected in %.1f s (%.0f connections/s), %d open at once; "
                    + "%d assigned in %.1f s (%.0f registrations/s); %d failures", devices, connected,
                    seconds(connectTime), connectionsPerSecond(), peakOpenConnections, assigned, seconds(registerTime),
                    registrationsPerSecond(), failures);
        }
    }

    private LoadDriver() {
    }

    static DpsSimulator simulator() {
        return DpsSimulator.builder().mqttPort(0).webSocketPort(-1).retryAfterSeconds(0).idScope("0ne000LOAD1")
                .enrollments(Enrollments.of(Enrollment.group("load-fleet", Attestation.symmetricKey(GROUP_KEY))
                        .withIotHubs("load-hub-1.azure-devices.net", "load-hub-2.azure-devices.net")
                        .withAllocationPolicy(AllocationPolicy.HASHED)))
                .start();
    }

    static Result run(DpsSimulator simulator, int devices, int handshakesInFlight, Duration timeout)
            throws InterruptedException {
        EventLoopGroup group = new NioEventLoopGroup(2);
        SslContext ssl = new JdkSslContext(simulator.clientSslContext(), true, null, IdentityCipherSuiteFilter.INSTANCE,
                null, ClientAuth.NONE, null, false);
        CountDownLatch connected = new CountDownLatch(devices);
        CountDownLatch assigned = new CountDownLatch(devices);
        AtomicInteger connectedCount = new AtomicInteger();
        AtomicInteger assignedCount = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Semaphore handshakes = new Semaphore(handshakesInFlight);
        List<Channel> channels = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < devices; i++) {
                String registrationId = "load-device-" + i;
                handshakes.acquire();
                Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "localhost", simulator.mqttPort()),
                                        new MqttDecoder(), MqttEncoder.INSTANCE,
                                        new Device(simulator, registrationId, () -> {
                                            handshakes.release();
                                            connectedCount.incrementAndGet();
                                            connected.countDown();
                                        }, () -> {
                                            assignedCount.incrementAndGet();
                                            assigned.countDown();
                                        }, () -> {
                                            failures.incrementAndGet();
                                            handshakes.release();
                                            connected.countDown();
                                            assigned.countDown();
                                        }));
                            }
                        });
                Channel channel = bootstrap.connect("127.0.0.1", simulator.mqttPort())
                        .addListener((ChannelFutureListener) f -> {
                            if (!f.isSuccess()) {
                                failures.incrementAndGet();
                                handshakes.release();
                                connected.countDown();
                                assigned.countDown();
                            }
                        }).channel();
                channels.add(channel);
            }
            connected.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration connectTime = Duration.ofNanos(System.nanoTime() - start);
            int peak = simulator.counters().openConnections();

            long registerStart = System.nanoTime();
            for (Channel channel : channels) {
                if (channel.isActive()) {
                    channel.pipeline().get(Device.class).register(channel);
                }
            }
            assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration registerTime = Duration.ofNanos(System.nanoTime() - registerStart);
            return new Result(devices, connectedCount.get(), assignedCount.get(), peak, connectTime, registerTime,
                    failures.get());
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** One simulated device's protocol steps, driven by what the simulator answers. */
    private static final class Device extends SimpleChannelInboundHandler<MqttMessage> {
        private final DpsSimulator simulator;
        private final String registrationId;
        private final Runnable onConnected;
        private final Runnable onAssigned;
        private final Runnable onFailure;
        private boolean done;
        private int requestId;

        Device(DpsSimulator simulator, String registrationId, Runnable onConnected, Runnable onAssigned,
                Runnable onFailure) {
            this.simulator = simulator;
            this.registrationId = registrationId;
            this.onConnected = onConnected;
            this.onAssigned = onAssigned;
            this.onFailure = onFailure;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String key = TestDevice.derivedKey(GROUP_KEY, registrationId);
            ctx.writeAndFlush(MqttMessageBuilders.connect().clientId(registrationId)
                    .username(TestDevice.username(simulator.idScope(), registrationId)).cleanSession(true)
                    .keepAlive(300).protocolVersion(MqttVersion.MQTT_3_1_1)
                    .password(TestDevice.sas(simulator.idScope(), registrationId, key, TestDevice.nowPlus(3600))
                            .getBytes(StandardCharsets.UTF_8)).build());
        }

        void register(Channel channel) {
            channel.eventLoop().execute(() -> publish(channel, "$dps/registrations/PUT/iotdps-register/?$rid="
                    + (++requestId), "{\"registrationId\":\"" + registrationId + "\"}"));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
            if (message instanceof MqttConnAckMessage connack) {
                if (connack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                    fail(ctx);
                    return;
                }
                ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, TestDevice.RESPONSES).build());
            } else if (message instanceof MqttSubAckMessage) {
                onConnected.run();
            } else if (message instanceof MqttPublishMessage publish) {
                if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                    ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
                }
                TestDevice.Response answer = new TestDevice.Response(publish.variableHeader().topicName(),
                        publish.fixedHeader().qosLevel(), publish.payload().toString(StandardCharsets.UTF_8));
                if (answer.status() == 202) {
                    publish(ctx.channel(), "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + (++requestId)
                            + "&operationId=" + answer.json().path("operationId").asText(), "");
                } else if (answer.status() == 200 && !done) {
                    done = true;
                    onAssigned.run();
                } else if (!done) {
                    fail(ctx);
                }
            }
        }

        private void publish(Channel channel, String topic, String body) {
            channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                    .messageId(requestId % 60000 + 1).payload(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8))
                    .build());
        }

        private void fail(ChannelHandlerContext ctx) {
            if (!done) {
                done = true;
                onFailure.run();
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx);
        }
    }

    /** Args: devices (2000), warm-up devices run first so the JIT has compiled TLS and MQTT (500). */
    public static void main(String[] args) throws InterruptedException {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        try (DpsSimulator simulator = simulator()) {
            if (warmUp > 0) {
                System.out.println("warm-up: " + run(simulator, warmUp, 100, Duration.ofMinutes(5)));
                simulator.counters().reset();
            }
            System.out.println(run(simulator, devices, 100, Duration.ofMinutes(5)));
        }
    }
}
