package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.PortForwarder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Port-forward over a WebSocket, the kubelet's way ({@code v4.channel.k8s.io} or
 * {@code v4.base64.channel.k8s.io}): the {@code port} query parameters name the ports; port number
 * {@code i} gets data channel {@code 2i} and error channel {@code 2i+1}, and the first frame on each
 * carries the port as two little-endian bytes. One connection per port; the socket closes when all
 * have ended.
 */
final class WebSocketPortForward extends SimpleChannelInboundHandler<WebSocketFrame> {

    static final String BINARY = "v4.channel.k8s.io";
    static final String BASE64 = "v4.base64.channel.k8s.io";
    static final String SUBPROTOCOLS = BINARY + "," + BASE64;

    private final String namespace;
    private final String pod;
    private final List<Integer> ports;
    private final boolean base64;
    private final QueueInputStream[] inputs;

    WebSocketPortForward(String namespace, String pod, List<Integer> ports, String protocol) {
        this.namespace = namespace;
        this.pod = pod;
        this.ports = List.copyOf(ports);
        this.base64 = BASE64.equals(protocol);
        this.inputs = new QueueInputStream[ports.size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = new QueueInputStream();
        }
    }

    private WebSocketFrame frame(int channel, byte[] bytes) {
        if (base64) {
            return new TextWebSocketFrame((char) ('0' + channel) + Base64.getEncoder().encodeToString(bytes));
        }
        ByteBuf buffer = Unpooled.buffer(bytes.length + 1);
        buffer.writeByte(channel);
        buffer.writeBytes(bytes);
        return new BinaryWebSocketFrame(buffer);
    }

    /** Starts forwarding every port once the handshake is done. */
    void start(Channel channel, PortForwarder forwarder, ExecutorService threads, Runnable onEnd) {
        AtomicInteger running = new AtomicInteger(ports.size());
        for (int i = 0; i < ports.size(); i++) {
            int index = i;
            int port = ports.get(i);
            byte[] prefix = {(byte) (port & 0xff), (byte) ((port >> 8) & 0xff)};
            channel.write(frame(2 * index, prefix));
            channel.writeAndFlush(frame(2 * index + 1, prefix));
            threads.execute(() -> {
                try {
                    forwarder.portForward(namespace, pod, port, inputs[index], new FrameOutputStream(channel, b -> frame(2 * index, b)));
                } catch (RuntimeException e) {
                    if (channel.isActive()) {
                        channel.writeAndFlush(frame(2 * index + 1, String.valueOf(e.getMessage())
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                } finally {
                    if (running.decrementAndGet() == 0) {
                        onEnd.run();
                        if (channel.isActive()) {
                            channel.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                                    .addListener(ChannelFutureListener.CLOSE);
                        }
                    }
                }
            });
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            for (QueueInputStream in : inputs) {
                in.finish();
            }
            ctx.close();
            return;
        }
        int channel;
        byte[] payload;
        if (frame instanceof TextWebSocketFrame text) {
            String message = text.text();
            if (message.isEmpty()) {
                return;
            }
            channel = message.charAt(0) - '0';
            try {
                payload = Base64.getDecoder().decode(message.substring(1));
            } catch (IllegalArgumentException e) {
                return;
            }
        } else {
            ByteBuf content = frame.content();
            if (content.readableBytes() == 0) {
                return;
            }
            channel = content.readUnsignedByte();
            payload = new byte[content.readableBytes()];
            content.readBytes(payload);
        }
        if (channel % 2 == 0 && channel / 2 < inputs.length) {
            inputs[channel / 2].feed(payload);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (QueueInputStream in : inputs) {
            in.finish();
        }
        ctx.fireChannelInactive();
    }

}
