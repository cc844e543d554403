package dev.vkubelet.core.kubeletapi;

import com.google.gson.Gson;
import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.TerminalSize;
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
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One exec or attach session over a WebSocket ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io} or
 * {@code channel.k8s.io}): binary frames whose first byte is the stream (0 stdin, 1 stdout, 2 stderr,
 * 3 error/status, 4 resize, 255 close in v5). The command runs on its own thread; its exit code goes
 * back as a {@code Status} on stream 3 (v4, v5), and the socket closes. A client that goes away
 * interrupts the command.
 */
final class WebSocketExec extends SimpleChannelInboundHandler<WebSocketFrame> {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    static final String V1 = "channel.k8s.io";
    static final String V4_BASE64 = "v4.base64.channel.k8s.io";
    static final String V1_BASE64 = "base64.channel.k8s.io";
    /** The subprotocols offered, most preferred first. */
    static final String SUBPROTOCOLS = V5 + "," + V4 + "," + V1 + "," + V4_BASE64 + "," + V1_BASE64;

    /** Whether {@code protocol} carries streams as base64 text frames (for clients that cannot send binary). */
    static boolean base64(String protocol) {
        return protocol.equals(V4_BASE64) || protocol.equals(V1_BASE64);
    }

    private static final byte STDIN = 0;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte ERROR = 3;
    private static final byte RESIZE = 4;
    private static final byte CLOSE = (byte) 255;

    /** What the client asked for. */
    record Request(String namespace, String pod, String container, List<String> command, boolean stdin,
            boolean stdout, boolean stderr, boolean tty) {}

    private final Request request;
    private final String protocol;
    private final QueueInputStream stdin = new QueueInputStream();
    private final List<Consumer<TerminalSize>> resizeListeners = new CopyOnWriteArrayList<>();
    private volatile Future<?> running;

    WebSocketExec(Request request, String protocol) {
        this.request = request;
        this.protocol = protocol;
    }

    /** What runs in a session: the provider's exec or attach; returns an exit code, or null when there is none. */
    @FunctionalInterface
    interface Session {
        Integer run(AttachIO io);
    }

    /** Starts {@code session} once the handshake is done. */
    void start(Channel channel, Session session, ExecutorService threads, Runnable onEnd) {
        AttachIO io = new AttachIO() {
            @Override
            public Optional<InputStream> stdin() {
                return request.stdin() ? Optional.of(stdin) : Optional.empty();
            }

            @Override
            public Optional<OutputStream> stdout() {
                return request.stdout() ? Optional.of(new FrameOutputStream(channel, b -> frame(protocol, STDOUT, b))) : Optional.empty();
            }

            @Override
            public Optional<OutputStream> stderr() {
                return request.stderr() && !request.tty() ? Optional.of(new FrameOutputStream(channel, b -> frame(protocol, STDERR, b)))
                        : Optional.empty();
            }

            @Override
            public boolean tty() {
                return request.tty();
            }

            @Override
            public void onResize(Consumer<TerminalSize> listener) {
                resizeListeners.add(listener);
            }
        };
        running = threads.submit(() -> {
            String status;
            try {
                Integer code = session.run(io);
                status = code == null || code == 0 ? success() : exitCode(code);
            } catch (RuntimeException e) {
                status = failure(e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                onEnd.run();
            }
            finish(channel, status);
        });
    }

    private void finish(Channel channel, String status) {
        if (!channel.isActive()) {
            return;
        }
        byte[] body = protocol.equals(V1) || protocol.equals(V1_BASE64) ? new byte[0]
                : status.getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            channel.writeAndFlush(frame(protocol, ERROR, body));
        }
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }

    /** The v4 status of a successful command. */
    static String successStatus() {
        return success();
    }

    /** The v4 status of a command that exited with {@code code}. */
    static String exitCodeStatus(List<String> command, int code) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", "command terminated with non-zero exit code: error executing command "
                + command + ", exit code " + code);
        status.put("reason", "NonZeroExitCode");
        status.put("details", Map.of("causes", List.of(Map.of("reason", "ExitCode", "message", Integer.toString(code)))));
        return new Gson().toJson(status);
    }

    /** The v4 status of a session that failed with {@code message}. */
    static String failureStatus(String message) {
        return failure(message);
    }

    private static String success() {
        return "{\"metadata\":{},\"status\":\"Success\"}";
    }

    private String exitCode(int code) {
        return exitCodeStatus(request.command(), code);
    }

    private static String failure(String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", "InternalError");
        return new Gson().toJson(status);
    }

    /** A frame for {@code stream}: binary with the stream byte first, or base64 text after the stream digit. */
    private static WebSocketFrame frame(String protocol, byte stream, byte[] bytes) {
        if (base64(protocol)) {
            return new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(
                    (char) ('0' + stream) + java.util.Base64.getEncoder().encodeToString(bytes));
        }
        ByteBuf buffer = Unpooled.buffer(bytes.length + 1);
        buffer.writeByte(stream);
        buffer.writeBytes(bytes);
        return new BinaryWebSocketFrame(buffer);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            stdin.finish();
            ctx.close();
            return;
        }
        ByteBuf content = frame.content();
        if (content.readableBytes() == 0) {
            return;
        }
        byte stream;
        byte[] payload;
        if (frame instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame text) {
            String message = text.text();
            stream = (byte) (message.charAt(0) - '0');
            try {
                payload = java.util.Base64.getDecoder().decode(message.substring(1));
            } catch (IllegalArgumentException e) {
                return;
            }
        } else {
            stream = content.readByte();
            payload = new byte[content.readableBytes()];
            content.readBytes(payload);
        }
        if (stream == STDIN) {
            stdin.feed(payload);
        } else if (stream == CLOSE && payload.length > 0 && payload[0] == STDIN) {
            stdin.finish();
        } else if (stream == RESIZE) {
            resize(payload);
        }
    }

    @SuppressWarnings("unchecked")
    private void resize(byte[] payload) {
        try {
            Map<String, Object> size = new Gson().fromJson(new String(payload, StandardCharsets.UTF_8), Map.class);
            TerminalSize terminal = new TerminalSize(((Number) size.get("Width")).intValue(),
                    ((Number) size.get("Height")).intValue());
            resizeListeners.forEach(l -> l.accept(terminal));
        } catch (RuntimeException e) {
            // a malformed resize message is ignored, as the kubelet does
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stdin.finish();
        Future<?> command = running;
        if (command != null) {
            command.cancel(true);
        }
        ctx.fireChannelInactive();
    }


    static List<String> commands(Map<String, List<String>> query) {
        return new ArrayList<>(query.getOrDefault("command", List.of()));
    }
}
