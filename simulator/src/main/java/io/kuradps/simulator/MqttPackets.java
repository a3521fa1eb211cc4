package io.kuradps.simulator;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/** What both endpoints' MQTT handlers do alike: acknowledgements, sending with injected faults, TLS peers. */
final class MqttPackets {

    private MqttPackets() {
    }

    /** PUBACK, PUBREC or another acknowledgement carrying only a packet id. */
    static MqttMessage ack(MqttMessageType type, int packetId) {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 2),
                MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage withoutBody(MqttMessageType type) {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0));
    }

    /** Writes the message after the injected latency, closing the connection afterwards when asked. */
    static void send(ChannelHandlerContext ctx, MqttMessage message, boolean closeAfter, Duration latency) {
        Runnable write = () -> {
            if (closeAfter) {
                ctx.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(message, ctx.voidPromise());
            }
        };
        if (latency.isZero()) {
            write.run();
        } else {
            ctx.executor().schedule(write, latency.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Answers a packet as the injected fault (if any) says: drop, stay silent, delay, or answer then close. */
    static void reply(ChannelHandlerContext ctx, Optional<Fault> fault, MqttMessage answer, Duration latency) {
        Fault f = fault.orElse(null);
        if (f instanceof Fault.Silence) {
            return; // the packet is never answered; the connection stays open
        }
        if (f instanceof Fault.Drop) {
            ctx.close();
        } else if (f instanceof Fault.Delay delay) {
            ctx.executor().schedule(() -> send(ctx, answer, false, latency), delay.delay().toNanos(),
                    TimeUnit.NANOSECONDS);
        } else {
            send(ctx, answer, f instanceof Fault.DropAfterAnswer, latency);
        }
    }

    /** MQTT 3.1.1 §3.1.2.10: the server disconnects a client silent for 1.5 keep-alive periods. */
    static void enforceKeepAlive(ChannelHandlerContext ctx, int keepAliveSeconds, long maxTimeoutMillis) {
        if (keepAliveSeconds > 0) {
            ctx.pipeline().addBefore(ctx.name(), "keep-alive", new IdleStateHandler(
                    Math.min(keepAliveSeconds * 1500L, maxTimeoutMillis), 0, 0, TimeUnit.MILLISECONDS));
        }
    }

    /** The client certificate chain presented in the TLS handshake, leaf first; empty when none. */
    static List<X509Certificate> peerCertificates(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : ssl.engine().getSession().getPeerCertificates()) {
                chain.add((X509Certificate) certificate);
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }
}
