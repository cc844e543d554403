package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.tracing.Span;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /containerLogs/{namespace}/{pod}/{container}}: the provider's log stream (opened within the
 * deadline) copied to a chunked response on a stream thread. A followed log may be quiet for as long
 * as it likes (no idle limit), but a client that stops reading is dropped once a write has waited
 * for the idle timeout.
 */
final class LogsRoute implements Route {

    private static final Logger LOG = LoggerFactory.getLogger(LogsRoute.class);

    private final RouteContext context;

    LogsRoute(RouteContext context) {
        this.context = context;
    }

    @Override
    public Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        if (parts.size() != 4) {
            throw new IllegalArgumentException("expected /containerLogs/{namespace}/{pod}/{container}");
        }
        String namespace = parts.get(1);
        String pod = parts.get(2);
        String container = parts.get(3);
        ContainerLogs logs = context.provider().capability(ContainerLogs.class).orElse(null);
        if (logs == null) {
            return context.notImplemented("container logs");
        }
        LogOptions options = LogRequest.parse(uri.parameters());
        context.requirePod(namespace, pod);
        context.requireStreamPlace();
        InputStream in = context.deadline().call("getContainerLogs", () -> logs.getContainerLogs(namespace, pod,
                container, options));
        if (in == null) {
            return Answer.text(HttpResponseStatus.OK, "");
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setTransferEncodingChunked(head, true);
        KubeletApiServer.removeConnectionIdle(ctx.pipeline());
        ctx.writeAndFlush(head);
        ctx.channel().closeFuture().addListener(f -> closeQuietly(in));
        context.openStreams().incrementAndGet();
        context.streams().execute(() -> {
            try (Span span = context.tracer().startSpan("kubelet.logStream")) {
                span.attribute("namespace", namespace).attribute("pod", pod).attribute("container", container)
                        .attribute("follow", options.follow());
                span.attribute("bytes", copy(ctx, in));
            } finally {
                context.openStreams().decrementAndGet();
            }
        });
        return null;
    }

    /** Copies the log to the client until either ends; returns the bytes sent. */
    private long copy(ChannelHandlerContext ctx, InputStream in) {
        byte[] buffer = new byte[8192];
        long idle = context.timeouts().idle().toMillis();
        long sent = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0 && ctx.channel().isActive(); n = in.read(buffer)) {
                if (n > 0 && !ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(buffer, 0, n)))
                        .await(idle)) {
                    LOG.info("closing a log stream whose client read nothing for {}", context.timeouts().idle());
                    ctx.close();
                    return sent;
                }
                sent += n;
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOG.debug("log stream ended: {}", e.toString());
        }
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return sent;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a log stream failed: {}", e.toString());
        }
    }
}
