package dev.vkubelet.core.kubeletapi;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * An exec or attach session over SPDY/3.1 ({@code v4.channel.k8s.io} or {@code channel.k8s.io}): the
 * client opens one stream per {@code streamType} (error, stdin, stdout, stderr, resize); once all it
 * asked for are open the session runs, and its result goes on the error stream (a {@code Status} in
 * v4, plain text otherwise) before every stream is finished.
 */
final class SpdyExec extends SimpleChannelInboundHandler<SpdyFrame> {

    private final WebSocketExec.Request request;
    private final boolean v4;
    private final WebSocketExec.Session session;
    private final ExecutorService threads;
    private final Runnable onEnd;
    private final Map<String, Integer> streams = new ConcurrentHashMap<>();
    private final QueueInputStream stdin = new QueueInputStream();
    private volatile SessionIO io;
    private volatile boolean started;
    private volatile java.util.concurrent.Future<?> running;

    SpdyExec(WebSocketExec.Request request, boolean v4, WebSocketExec.Session session, ExecutorService threads,
            Runnable onEnd) {
        this.request = request;
        this.v4 = v4;
        this.session = session;
        this.threads = threads;
        this.onEnd = onEnd;
    }

    /** Whether every stream the request needs is open (and so the session has started). */
    boolean started() {
        return started;
    }

    private List<String> expected() {
        List<String> types = new java.util.ArrayList<>(List.of("error"));
        if (request.stdin()) {
            types.add("stdin");
        }
        if (request.stdout()) {
            types.add("stdout");
        }
        if (request.stderr() && !request.tty()) {
            types.add("stderr");
        }
        if (request.tty() && v4) {
            types.add("resize");
        }
        return types;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
        if (frame instanceof SpdySynStreamFrame syn) {
            String type = String.valueOf(syn.headers().getAsString("streamtype"));
            DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
            reply.headers().set("streamtype", type);
            ctx.writeAndFlush(reply);
            streams.put(type, syn.streamId());
            if (!started && streams.keySet().containsAll(expected())) {
                started = true;
                // before any data frame of the session is read: kubectl sends the terminal's size at once
                io = new SessionIO(request.stdin() ? Optional.of(stdin) : Optional.empty(),
                        Optional.ofNullable(streams.get("stdout")).map(id -> data(ctx, id)),
                        Optional.ofNullable(streams.get("stderr")).map(id -> data(ctx, id)),
                        request.tty());
                running = threads.submit(() -> run(ctx));
            }
        } else if (frame instanceof SpdyDataFrame data) {
            byte[] bytes = new byte[data.content().readableBytes()];
            data.content().readBytes(bytes);
            Integer in = streams.get("stdin");
            Integer resize = streams.get("resize");
            if (in != null && data.streamId() == in) {
                stdin.feed(bytes, ctx.channel());
                if (data.isLast()) {
                    stdin.finish();
                }
            } else if (resize != null && data.streamId() == resize) {
                SessionIO session = io;
                if (session != null) {
                    session.resized(bytes);
                }
            }
        } else if (frame instanceof SpdyRstStreamFrame) {
            stdin.finish();
        }
    }

    private void run(ChannelHandlerContext ctx) {
        SessionIO io = this.io;
        String error = "";
        try {
            Integer code = session.run(io);
            if (code != null && code != 0) {
                error = v4 ? WebSocketExec.exitCodeStatus(request.command(), code)
                        : "command terminated with non-zero exit code: exit code " + code;
            } else if (v4) {
                error = WebSocketExec.successStatus();
            }
        } catch (RuntimeException e) {
            error = v4 ? WebSocketExec.failureStatus(String.valueOf(e.getMessage())) : String.valueOf(e.getMessage());
        } finally {
            onEnd.run();
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        Integer errorStream = streams.get("error");
        ctx.writeAndFlush(last(errorStream, error));
        for (String type : List.of("stdout", "stderr")) {
            Integer id = streams.get(type);
            if (id != null) {
                ctx.writeAndFlush(last(id, ""));
            }
        }
    }

    /** The client went away: end stdin and interrupt the session. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stdin.finish();
        java.util.concurrent.Future<?> session = running;
        if (session != null) {
            session.cancel(true);
        }
        ctx.fireChannelInactive();
    }

    /** Bytes written become SPDY data frames on {@code stream}. */
    static OutputStream data(ChannelHandlerContext ctx, int stream) {
        return new FrameOutputStream(ctx.channel(), bytes -> new DefaultSpdyDataFrame(stream,
                Unpooled.wrappedBuffer(bytes)));
    }

    /** The frame that ends {@code stream}, carrying {@code text} unless it is empty. */
    static DefaultSpdyDataFrame last(int stream, String text) {
        DefaultSpdyDataFrame frame = text.isEmpty() ? new DefaultSpdyDataFrame(stream)
                : new DefaultSpdyDataFrame(stream, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        frame.setLast(true);
        return frame;
    }
}
