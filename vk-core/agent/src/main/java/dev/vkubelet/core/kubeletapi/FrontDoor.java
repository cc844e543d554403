package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.metrics.Instrumentation;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What every request meets first, on the connection's event loop, from its head alone: {@code /healthz}
 * is answered here (never behind a review or a provider call); a body over {@code maxBody} bytes is
 * refused (413); the caller is authenticated (a certificate, a cached token, anonymous) or, when a
 * token needs a TokenReview, reading stops until the review (on {@code reviews}, within its budget)
 * has answered. A request that fails authentication is answered here (a keep-alive connection stays
 * open, its body is dropped, at most {@code maxBody} bytes of it), so it never reaches the body
 * aggregator, the handler threads or the tracer. An authenticated caller
 * is queued on the channel ({@link #callers}) for the handler, in request order. A connection that
 * sends no complete request head within {@code firstRequest} is closed. One instance per connection.
 */
final class FrontDoor extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Queue<Caller>> CALLERS = AttributeKey.valueOf("kubelet-api-callers");

    private final Authenticator authenticator;
    private final Executor reviews;
    private final long maxBody;
    private final Duration firstRequest;
    private final Instrumentation instrumentation;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean waiting;
    private boolean swallowing;
    private long swallowed;
    private boolean sawRequest;
    private long bodyBytes;
    private ScheduledFuture<?> firstRequestTimer;

    FrontDoor(Authenticator authenticator, Executor reviews, long maxBody, Duration firstRequest,
            Instrumentation instrumentation) {
        this.authenticator = authenticator;
        this.reviews = reviews;
        this.maxBody = maxBody;
        this.firstRequest = firstRequest;
        this.instrumentation = instrumentation;
    }

    /** The authenticated callers of the requests that passed, oldest first. */
    static Queue<Caller> callers(ChannelHandlerContext ctx) {
        Queue<Caller> queue = ctx.channel().attr(CALLERS).get();
        if (queue == null) {
            Queue<Caller> created = new ConcurrentLinkedQueue<>();
            queue = ctx.channel().attr(CALLERS).setIfAbsent(created);
            return queue == null ? created : queue;
        }
        return queue;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        firstRequestTimer = ctx.executor().schedule(() -> {
            if (!sawRequest) {
                ctx.close();
            }
        }, firstRequest.toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        while (!held.isEmpty()) {
            ctx.fireChannelRead(held.poll());
        }
    }

    private void cancelTimer() {
        if (firstRequestTimer != null) {
            firstRequestTimer.cancel(false);
        }
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting) {
            held.add(msg);
            return;
        }
        process(ctx, msg);
    }

    private void process(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            head(ctx, request);
        } else if (msg instanceof HttpContent content) {
            if (swallowing) {
                swallowing = !(content instanceof LastHttpContent);
                swallowed += content.content().readableBytes();
                content.release();
                if (swallowed > maxBody) {
                    ctx.close();
                }
                return;
            }
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > maxBody) {
                content.release();
                instrumentation.kubeletRequest("other", 413, Duration.ZERO);
                swallowing = true;
                Answer.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Request entity too large: kubelet API"
                        + " requests carry at most " + maxBody + " bytes").send(ctx, false);
                return;
            }
            ctx.fireChannelRead(content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void head(ChannelHandlerContext ctx, HttpRequest request) {
        long started = System.nanoTime();
        sawRequest = true;
        cancelTimer();
        bodyBytes = 0;
        String path = new QueryStringDecoder(request.uri()).path();
        boolean last = request instanceof LastHttpContent;
        if (path.equals("/healthz") || path.equals("/healthz/")) {
            swallowing = !last;
            swallowed = 0;
            ReferenceCountUtil.release(request);
            Answer.text(HttpResponseStatus.OK, "ok").send(ctx, HttpUtil.isKeepAlive(request));
            instrumentation.kubeletRequest("/healthz", 200, Duration.ofNanos(System.nanoTime() - started));
            return;
        }
        String route = KubeletHandler.route(path);
        if (HttpUtil.getContentLength(request, 0L) > maxBody) {
            refuse(ctx, request, new Refused(413, "Request entity too large: kubelet API requests carry at most "
                    + maxBody + " bytes"), route, started);
            return;
        }
        Authenticator.Known known;
        try {
            known = authenticator.known(Authenticator.peerChain(ctx), request.headers().get(HttpHeaderNames.AUTHORIZATION));
        } catch (Refused e) {
            refuse(ctx, request, e, route, started);
            return;
        }
        if (known.caller() != null) {
            pass(ctx, request, known.caller());
            return;
        }
        waiting = true;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture<Caller> review = new CompletableFuture<>();
        try {
            reviews.execute(() -> {
                try {
                    review.complete(authenticator.review(known.token()));
                } catch (Refused | RuntimeException e) {
                    review.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            review.completeExceptionally(new Refused(429, "Too many requests: too many token reviews in flight;"
                    + " retry later"));
        }
        review.whenComplete((caller, failure) -> ctx.executor().execute(() -> reviewed(ctx, request, caller, failure,
                route, started)));
    }

    private void reviewed(ChannelHandlerContext ctx, HttpRequest request, Caller caller, Throwable failure,
            String route, long started) {
        waiting = false;
        if (failure == null) {
            pass(ctx, request, caller);
        } else {
            refuse(ctx, request, failure instanceof Refused refused ? refused
                    : new Refused(503, "cannot authenticate the request: " + failure.getClass().getSimpleName()),
                    route, started);
        }
        while (!waiting && !held.isEmpty() && ctx.channel().isActive()) {
            process(ctx, held.poll());
        }
        if (!waiting) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    private void pass(ChannelHandlerContext ctx, HttpRequest request, Caller caller) {
        callers(ctx).add(caller);
        ctx.fireChannelRead(request);
    }

    /**
     * Answers {@code request} with {@code refused} and drops it, keeping a keep-alive connection open
     * (a new TLS handshake for every bad token would cost both sides more). The rest of the
     * request's body is read and dropped; a client waiting for 100-continue sends none, so the
     * decoder is told to expect none (as Netty's aggregator does) and the answer has no body (Java's
     * HttpClient waits for ever on a body there).
     */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, Refused refused, String route,
            long started) {
        boolean last = request instanceof LastHttpContent;
        boolean expectsContinue = HttpUtil.is100ContinueExpected(request) && !last;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ReferenceCountUtil.release(request);
        instrumentation.kubeletRequest(route, refused.status, Duration.ofNanos(System.nanoTime() - started));
        swallowing = !last && !expectsContinue;
        swallowed = 0;
        HttpResponseStatus status = HttpResponseStatus.valueOf(refused.status);
        (expectsContinue ? Answer.empty(status) : Answer.text(status, refused.getMessage())).send(ctx, keepAlive);
        if (expectsContinue) {
            ctx.pipeline().fireUserEventTriggered(HttpExpectationFailedEvent.INSTANCE);
        }
    }
}
