package dev.vkubelet.core.kubeletapi;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turning a request's connection into a stream session: a WebSocket (Netty's handshaker) or SPDY/3.1
 * (a raw 101, then SPDY's codec and session handler), counted among the open streams while it lasts;
 * and the subprotocol negotiation both need.
 */
final class StreamUpgrades {

    private static final Logger LOG = LoggerFactory.getLogger(StreamUpgrades.class);
    private static final int MAX_FRAME_BYTES = 1 << 20;

    private final RouteContext context;

    StreamUpgrades(RouteContext context) {
        this.context = context;
    }

    /**
     * Upgrades to a WebSocket offering {@code subprotocols}; {@code session} handles the frames and
     * {@code start} runs once the handshake is written (it ends the stream count it starts).
     */
    void webSocket(ChannelHandlerContext ctx, FullHttpRequest request, String subprotocols,
            SimpleChannelInboundHandler<?> session, Runnable start) {
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "wss://" + request.headers().get(HttpHeaderNames.HOST) + request.uri(), subprotocols, false,
                MAX_FRAME_BYTES).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        ctx.pipeline().addLast(session);
        KubeletApiServer.removeFrontDoor(ctx.pipeline());
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            context.openStreams().incrementAndGet();
            start.run();
        });
    }

    /**
     * Answers 101 and turns the connection into a SPDY/3.1 session served by {@code session}, closed
     * when {@code streamsOpened} is still false after the creation timeout.
     */
    void spdy(ChannelHandlerContext ctx, String protocol, SimpleChannelInboundHandler<?> session,
            BooleanSupplier streamsOpened) {
        // One task on the channel's event loop, so no read can come in between: the 101 goes out first,
        // as raw bytes into TLS (written from the HTTP codec's context, so it skips the codec); then the
        // HTTP codec is swapped for SPDY's and the session starts (its first SETTINGS frame follows the
        // 101). The client sends no SPDY frame before it has read the 101.
        String switching = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: " + protocol + "\r\n\r\n";
        ctx.channel().eventLoop().execute(() -> {
            ChannelHandlerContext http = ctx.pipeline().context(HttpServerCodec.class);
            http.writeAndFlush(Unpooled.copiedBuffer(switching, StandardCharsets.US_ASCII));
            ctx.pipeline().remove(HttpObjectAggregator.class);
            KubeletApiServer.removeFrontDoor(ctx.pipeline());
            ctx.pipeline().replace(HttpServerCodec.class, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
            ctx.pipeline().addAfter("spdy-codec", "spdy-session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, true));
            ctx.pipeline().addAfter("spdy-session", "stream-session", session);
            ctx.channel().eventLoop().schedule(() -> {
                if (!streamsOpened.getAsBoolean()) {
                    LOG.info("closing a stream session: its streams were not opened within {}",
                            context.timeouts().creation());
                    ctx.close();
                }
            }, context.timeouts().creation().toMillis(), TimeUnit.MILLISECONDS);
            context.openStreams().incrementAndGet();
            ctx.channel().closeFuture().addListener(closed -> context.openStreams().decrementAndGet());
        });
    }

    /** The SPDY stream protocols the client offers ({@code X-Stream-Protocol-Version}, repeatable or comma-separated). */
    static List<String> streamProtocols(FullHttpRequest request) {
        return request.headers().getAll("X-Stream-Protocol-Version").stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).toList();
    }

    /**
     * The subprotocol the handshake picks, as Netty's handshaker does: the first the client offers that
     * is among {@code supported}; {@code fallback} when the client offers none of them.
     */
    static String protocol(String offered, String supported, String fallback) {
        if (offered != null) {
            List<String> ours = Arrays.asList(supported.split(","));
            for (String candidate : offered.split(",")) {
                String p = candidate.trim();
                if (ours.contains(p)) {
                    return p;
                }
            }
        }
        return fallback;
    }
}
