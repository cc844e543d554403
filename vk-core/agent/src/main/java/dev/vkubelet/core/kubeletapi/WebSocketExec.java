package dev.vkubelet.core.kubeletapi;

import com.google.gson.Gson;
import dev.vkubelet.provider.AttachIO;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One exec or attach session over a WebSocket ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io} or
 * {@code channel.k8s.io}): binary frames whose first byte is the stream (0 stdin, 1 stdout, 2 stderr,
 * 3 error/status, 4 resize, 255 close in v5). The command runs on its own thread; its exit code goes
 * back as a {@code Status} on stream 3 (v4, v5), and the socket closes. A client that goes away
 * interrupts the command.
 */
final class WebSocketExec extends WebSocketChannels {

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

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;

    /** What the client asked for. */
    record Request(String namespace, String pod, String container, List<String> command, boolean stdin,
            boolean stdout, boolean stderr, boolean tty) {}

    private static final Gson GSON = new Gson();

    private final Request request;
    private final String protocol;
    private final QueueInputStream stdin = new QueueInputStream();
    private volatile SessionIO io;
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
        boolean base64 = base64(protocol);
        SessionIO io = new SessionIO(
                request.stdin() ? Optional.of(stdin) : Optional.empty(),
                request.stdout() ? Optional.of(new FrameOutputStream(channel, b -> frame(base64, STDOUT, b))) : Optional.empty(),
                request.stderr() ? Optional.of(new FrameOutputStream(channel, b -> frame(base64, STDERR, b))) : Optional.empty(),
                request.tty());
        this.io = io;
        running = threads.submit(() -> {
            String status;
            try {
                Integer code = session.run(io);
                status = code == null || code == 0 ? successStatus() : exitCodeStatus(request.command(), code);
            } catch (RuntimeException e) {
                status = failureStatus(e.getMessage() == null ? e.toString() : e.getMessage());
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
            channel.writeAndFlush(frame(base64(protocol), ERROR, body));
        }
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }

    /** The v4 status of a successful command. */
    static String successStatus() {
        return "{\"metadata\":{},\"status\":\"Success\"}";
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
        return GSON.toJson(status);
    }

    /** The v4 status of a session that failed with {@code message}. */
    static String failureStatus(String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", "InternalError");
        return GSON.toJson(status);
    }

    @Override
    protected void onData(ChannelHandlerContext ctx, int stream, byte[] payload) {
        if (stream == STDIN) {
            stdin.feed(payload, ctx.channel());
        } else if (stream == CLOSE && payload.length > 0 && payload[0] == STDIN) {
            stdin.finish();
        } else if (stream == RESIZE) {
            SessionIO session = io;
            if (session != null) {
                session.resized(payload);
            }
        }
    }

    @Override
    protected void onClosed() {
        stdin.finish();
        Future<?> command = running;
        if (command != null) {
            command.cancel(true);
        }
    }

    static List<String> commands(Map<String, List<String>> query) {
        return new ArrayList<>(query.getOrDefault("command", List.of()));
    }
}
