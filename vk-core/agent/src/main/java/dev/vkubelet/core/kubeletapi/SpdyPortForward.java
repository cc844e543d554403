package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.PortForwarder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Port-forward over SPDY/3.1 ({@code portforward.k8s.io}): the client opens, per connection, an
 * error stream and a data stream carrying the same {@code requestID} and {@code port} headers. The
 * data stream's bytes go to the provider's {@link PortForwarder}; what it answers goes back on the
 * data stream; a failure is written on the error stream. Flow control and pings are
 * {@code SpdySessionHandler}'s; a data stream beyond the session's or the server's
 * {@link StreamPlaces} is reset ({@code REFUSED_STREAM}).
 */
final class SpdyPortForward extends SimpleChannelInboundHandler<SpdyFrame> {

    private final String namespace;
    private final String pod;
    private final PortForwarder forwarder;
    private final ExecutorService threads;
    private final Map<String, Integer> errorStreams = new ConcurrentHashMap<>();
    private final Map<Integer, QueueInputStream> inputs = new ConcurrentHashMap<>();
    private final StreamPlaces places;
    private volatile boolean opened;

    /** Whether the client has opened a stream yet (the creation timeout closes sessions that have not). */
    boolean anyStreamOpened() {
        return opened;
    }

    SpdyPortForward(String namespace, String pod, PortForwarder forwarder, ExecutorService threads,
            StreamPlaces places) {
        this.namespace = namespace;
        this.pod = pod;
        this.forwarder = forwarder;
        this.places = places;
        this.threads = threads;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
        if (frame instanceof SpdySynStreamFrame syn) {
            opened = true;
            int stream = syn.streamId();
            String type = syn.headers().getAsString("streamtype");
            String requestId = String.valueOf(syn.headers().getAsString("requestid"));
            String portText = syn.headers().getAsString("port");
            // Netty sends an empty header block as zero bytes, which Go's SPDY framer (client-go)
            // cannot read (it expects a compressed pair count): echo a header so the block is not empty
            DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(stream);
            reply.headers().set("streamtype", String.valueOf(type));
            ctx.writeAndFlush(reply);
            if ("error".equals(type)) {
                errorStreams.put(requestId, stream);
            } else if ("data".equals(type)) {
                if (inputs.size() >= places.perSession() || !places.take()) {
                    // refused: the client sees the stream reset, the session and its other streams go on
                    ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(stream, SpdyStreamStatus.REFUSED_STREAM));
                    return;
                }
                QueueInputStream in = new QueueInputStream();
                inputs.put(stream, in);
                try {
                    threads.execute(() -> {
                        try {
                            forward(ctx, stream, requestId, portText, in);
                        } finally {
                            places.release();
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    places.release();
                    inputs.remove(stream);
                    ctx.close();
                }
            }
        } else if (frame instanceof SpdyDataFrame data) {
            QueueInputStream in = inputs.get(data.streamId());
            if (in != null) {
                byte[] bytes = new byte[data.content().readableBytes()];
                data.content().readBytes(bytes);
                in.feed(bytes, ctx.channel());
                if (data.isLast()) {
                    in.finish();
                }
            }
        } else if (frame instanceof SpdyRstStreamFrame reset) {
            QueueInputStream in = inputs.remove(reset.streamId());
            if (in != null) {
                in.finish();
            }
        }
    }

    private void forward(ChannelHandlerContext ctx, int stream, String requestId, String portText,
            QueueInputStream in) {
        String failure = null;
        try {
            int port = Integer.parseInt(String.valueOf(portText));
            forwarder.portForward(namespace, pod, port, in, SpdyExec.data(ctx, stream));
        } catch (NumberFormatException e) {
            failure = "invalid port '" + portText + "'";
        } catch (RuntimeException e) {
            failure = "error forwarding to pod " + namespace + "/" + pod + ": " + e.getMessage();
        } finally {
            inputs.remove(stream);
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        Integer error = errorStreams.remove(requestId);
        if (error != null) {
            ctx.writeAndFlush(SpdyExec.last(error, failure == null ? "" : failure));
        }
        ctx.writeAndFlush(SpdyExec.last(stream, ""));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inputs.values().forEach(QueueInputStream::finish);
        ctx.fireChannelInactive();
    }

}
