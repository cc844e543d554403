package dev.vkubelet.core.kubeletapi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Base64;

/**
 * The channel framing the kubelet's WebSocket protocols share: a binary frame is a channel byte and
 * the payload; in the base64 variants a text frame is the channel as one digit and the payload in
 * base64. Pings are answered; a close frame or a lost connection ends the session.
 */
abstract class WebSocketChannels extends SimpleChannelInboundHandler<WebSocketFrame> {

    /** A frame carrying {@code bytes} on {@code channel}. */
    static WebSocketFrame frame(boolean base64, int channel, byte[] bytes) {
        if (base64) {
            return new TextWebSocketFrame((char) ('0' + channel) + Base64.getEncoder().encodeToString(bytes));
        }
        ByteBuf buffer = Unpooled.buffer(bytes.length + 1);
        buffer.writeByte(channel);
        buffer.writeBytes(bytes);
        return new BinaryWebSocketFrame(buffer);
    }

    /** Bytes the client sent on {@code channel} (0 to 255). */
    protected abstract void onData(ChannelHandlerContext ctx, int channel, byte[] payload);

    /** The client closed the socket or went away. Called at most once per cause; idempotent work only. */
    protected abstract void onClosed();

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            onClosed();
            ctx.close();
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            String message = text.text();
            if (message.isEmpty()) {
                return;
            }
            try {
                onData(ctx, message.charAt(0) - '0', Base64.getDecoder().decode(message.substring(1)));
            } catch (IllegalArgumentException e) {
                // not base64: ignored, as the kubelet does
            }
            return;
        }
        ByteBuf content = frame.content();
        if (content.readableBytes() == 0) {
            return;
        }
        int channel = content.readUnsignedByte();
        byte[] payload = new byte[content.readableBytes()];
        content.readBytes(payload);
        onData(ctx, channel, payload);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onClosed();
        ctx.fireChannelInactive();
    }
}
