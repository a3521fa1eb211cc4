package io.kuradps.simulator;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Set;

/**
 * Lets WebSocket upgrades through on the given paths and answers 404 to everything else. DPS accepts the paths
 * the SDKs use ({@link #PATHS}: {@code /$iothub/websocket} by the C and Python SDKs, {@code /} by C#,
 * {@code /mqtt} by Paho's default). Accepted requests are rewritten to {@code /} so that one WebSocket handler
 * serves them all.
 */
final class WebSocketPathFilter extends ChannelInboundHandlerAdapter {

    static final Set<String> PATHS = Set.of("/$iothub/websocket", "/", "/mqtt");
    static final String HANDLER_PATH = "/";

    private final Set<String> paths;

    WebSocketPathFilter(Set<String> paths) {
        this.paths = paths;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).rawPath();
            if (!paths.contains(path)) {
                request.release();
                ctx.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            request.setUri(HANDLER_PATH);
        }
        ctx.fireChannelRead(message);
    }
}
