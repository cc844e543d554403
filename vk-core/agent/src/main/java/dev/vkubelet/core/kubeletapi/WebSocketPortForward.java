package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.PortForwarder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
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
final class WebSocketPortForward extends WebSocketChannels {

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
        return frame(base64, channel, bytes);
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
    protected void onData(ChannelHandlerContext ctx, int channel, byte[] payload) {
        if (channel % 2 == 0 && channel / 2 < inputs.length) {
            inputs[channel / 2].feed(payload, ctx.channel());
        }
    }

    @Override
    protected void onClosed() {
        for (QueueInputStream in : inputs) {
            in.finish();
        }
    }
}
