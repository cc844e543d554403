package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.ContainerAttach;
import dev.vkubelet.provider.ContainerExec;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PortForwarder;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ResourceMetricsProvider;
import dev.vkubelet.provider.StatsSummaryProvider;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one request that passed the {@link FrontDoor}: authorises its caller, traces it (a server
 * span named by route, continuing an authenticated caller's B3 or W3C trace context), and routes
 * it; provider calls run within the {@link ProviderDeadline}. Runs on an executor of its own,
 * never on the event loop, since authorisation and providers may block.
 */
final class KubeletHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletHandler.class);
    private static final int MAX_FRAME_BYTES = 1 << 20;

    private final Authorizer authorizer;
    private final ProviderHandle provider;
    private final PodIndex index;
    private final ProviderDeadline deadline;
    private final int maxStreams;
    private final StreamPlaces forwarded;
    private final Tracer tracer;
    private final Optional<PrometheusMeterRegistry> metrics;
    private final ExecutorService streams;
    private final Instrumentation instrumentation;
    private final AtomicInteger openStreams;
    private final KubeletApiServer.StreamTimeouts timeouts;

    KubeletHandler(Authorizer authorizer, ProviderHandle provider, PodIndex index, ProviderDeadline deadline,
            Tracer tracer, Optional<PrometheusMeterRegistry> metrics, ExecutorService streams,
            Instrumentation instrumentation, AtomicInteger openStreams, KubeletApiServer.StreamTimeouts timeouts,
            int maxStreams, StreamPlaces forwarded) {
        this.forwarded = Objects.requireNonNull(forwarded, "forwarded");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.index = Objects.requireNonNull(index, "index");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.maxStreams = maxStreams;
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation");
        this.openStreams = Objects.requireNonNull(openStreams, "openStreams");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    /** An answer with a status and a plain-text or JSON body. */
    private record Answer(HttpResponseStatus status, String contentType, String body) {
        static Answer text(HttpResponseStatus status, String body) {
            return new Answer(status, "text/plain; charset=utf-8", body + "\n");
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        String route = route(path);
        long started = System.nanoTime();
        Caller caller = FrontDoor.callers(ctx).poll();
        if (caller == null) {
            // every request passes the front door, which queues its caller: never reached
            respond(ctx, request, Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "request without a caller"));
            ctx.close();
            return;
        }
        // only an authenticated caller's trace context is continued: an anonymous one cannot make
        // the agent record (or export) spans by saying its trace is sampled
        try (Span span = tracer.startServerSpan("kubelet " + request.method() + " " + route,
                caller.authenticated() ? name -> request.headers().get(name) : name -> null)) {
            span.attribute("http.method", request.method().name()).attribute("http.path", path)
                    .attribute("http.route", route)
                    .attribute("http.user_agent", String.valueOf(request.headers().get(HttpHeaderNames.USER_AGENT)));
            Answer answer;
            try {
                authorizer.authorize(caller, request.method().name(), path);
                answer = serve(ctx, request, uri, path);
            } catch (Refused e) {
                answer = Answer.text(HttpResponseStatus.valueOf(e.status), e.getMessage());
            } catch (IllegalArgumentException e) {
                answer = Answer.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            } catch (NotFoundException e) {
                answer = Answer.text(HttpResponseStatus.NOT_FOUND, e.getMessage());
            } catch (ProviderException e) {
                answer = Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("kubelet API {} {} failed", request.method(), path, e);
                answer = Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
            }
            int code = answer == null ? 200 : answer.status().code();
            instrumentation.kubeletRequest(route, code, java.time.Duration.ofNanos(System.nanoTime() - started));
            if (answer == null) {
                span.attribute("http.status_code", 200);
                return;
            }
            span.attribute("http.status_code", answer.status().code());
            if (answer.status().code() >= 500) {
                span.setStatus(SpanStatus.INTERNAL, answer.body().strip());
            } else if (answer.status().code() >= 400) {
                span.setStatus(answer.status().code() == 404 ? SpanStatus.NOT_FOUND : SpanStatus.INVALID_ARGUMENT,
                        answer.body().strip());
            }
            respond(ctx, request, answer);
        }
    }

    /** The route a path belongs to, for span names. */
    static String route(String path) {
        for (String prefix : List.of("/containerLogs/", "/exec/", "/attach/", "/portForward/", "/runningpods/",
                "/stats/summary", "/metrics/resource", "/metrics", "/pods", "/healthz")) {
            if (path.startsWith(prefix)) {
                return prefix.endsWith("/") ? prefix + "*" : prefix;
            }
        }
        return "other";
    }

    /** Returns the answer, or null when the response was (or is being) streamed. */
    private Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, String path)
            throws Refused {
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String head = parts.isEmpty() ? "" : parts.get(0);
        switch (head) {
            case "pods":
                return new Answer(HttpResponseStatus.OK, "application/json", PodLists.pods(index));
            case "runningpods":
                return new Answer(HttpResponseStatus.OK, "application/json", PodLists.running(index,
                        deadline.call("getPods", () -> provider.pods().getPods())));
            case "containerLogs":
                if (parts.size() != 4) {
                    throw new IllegalArgumentException("expected /containerLogs/{namespace}/{pod}/{container}");
                }
                return logs(ctx, request, uri, parts.get(1), parts.get(2), parts.get(3));
            case "stats":
                if (!path.equals("/stats/summary") && !path.equals("/stats/summary/")) {
                    return Answer.text(HttpResponseStatus.NOT_FOUND, "no such stats endpoint: " + path);
                }
                StatsSummaryProvider stats = provider.capability(StatsSummaryProvider.class)
                        .orElse(null);
                if (stats == null) {
                    return notImplemented("stats");
                }
                return new Answer(HttpResponseStatus.OK, "application/json",
                        StatsRendering.summaryJson(deadline.call("getStatsSummary", stats::getStatsSummary)));
            case "metrics":
                if (path.startsWith("/metrics/resource")) {
                    Optional<ResourceMetricsProvider> own = provider.capability(ResourceMetricsProvider.class);
                    if (own.isPresent()) {
                        return new Answer(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                                StatsRendering.families(deadline.call("getResourceMetrics",
                                        own.get()::getResourceMetrics)));
                    }
                    Optional<StatsSummaryProvider> summary = provider.capability(StatsSummaryProvider.class);
                    if (summary.isEmpty()) {
                        return notImplemented("resource metrics");
                    }
                    return new Answer(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            StatsRendering.resourceMetrics(deadline.call("getStatsSummary",
                                    summary.get()::getStatsSummary)));
                }
                if (parts.size() == 1 && metrics.isPresent()) {
                    return new Answer(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.get().scrape());
                }
                return Answer.text(HttpResponseStatus.NOT_FOUND, "no such metrics endpoint: " + path);
            case "exec":
                return exec(ctx, request, uri, parts);
            case "attach":
                return attach(ctx, request, uri, parts);
            case "portForward":
                return portForward(ctx, request, uri, parts);
            default:
                return Answer.text(HttpResponseStatus.NOT_FOUND, "no such kubelet API path: " + path);
        }
    }

    private Answer notImplemented(String what) {
        return Answer.text(HttpResponseStatus.NOT_IMPLEMENTED, "provider " + provider.name() + " does not support "
                + what);
    }

    /** {@code /portForward/{namespace}/{pod}}: SPDY/3.1 with {@code portforward.k8s.io}, or a WebSocket. */
    private Answer portForward(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
            List<String> parts) throws Refused {
        PortForwarder forwarder = provider.capability(PortForwarder.class).orElse(null);
        if (forwarder == null) {
            return notImplemented("port-forward");
        }
        if (parts.size() != 3) {
            throw new IllegalArgumentException("expected /portForward/{namespace}/{pod}");
        }
        String namespace = parts.get(1);
        String pod = parts.get(2);
        requirePod(namespace, pod);
        requireStreamPlace();
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            return webSocketPortForward(ctx, request, uri, namespace, pod, forwarder);
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("SPDY/3.1")) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, "port-forward needs a SPDY/3.1 or WebSocket upgrade");
        }
        if (!streamProtocols(request).contains("portforward.k8s.io")) {
            return Answer.text(HttpResponseStatus.FORBIDDEN, "no supported stream protocol: this node speaks"
                    + " portforward.k8s.io");
        }
        SpdyPortForward session = new SpdyPortForward(namespace, pod, forwarder, streams, forwarded);
        switchToSpdy(ctx, "portforward.k8s.io", session, session::anyStreamOpened);
        return null;
    }

    /** The kubelet's WebSocket port-forward: {@code ?port=N} (repeatable), channels 2i (data) and 2i+1 (error). */
    private Answer webSocketPortForward(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
            String namespace, String pod, PortForwarder forwarder) {
        List<Integer> ports = new java.util.ArrayList<>();
        for (String text : uri.parameters().getOrDefault("port", List.of())) {
            for (String one : text.split(",")) {
                try {
                    int port = Integer.parseInt(one.trim());
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    ports.add(port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid port '" + one + "'");
                }
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("at least one port query parameter is required");
        }
        if (ports.size() > forwarded.perSession()) {
            throw new IllegalArgumentException("at most " + forwarded.perSession() + " ports per session");
        }
        String selected = protocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                WebSocketPortForward.SUBPROTOCOLS, WebSocketPortForward.BINARY);
        WebSocketPortForward session = new WebSocketPortForward(namespace, pod, ports, selected);
        webSocket(ctx, request, WebSocketPortForward.SUBPROTOCOLS, session,
                () -> session.start(ctx.channel(), forwarder, streams, openStreams::decrementAndGet));
        return null;
    }

    /**
     * Upgrades to a WebSocket offering {@code subprotocols}; {@code session} handles the frames and
     * {@code start} runs once the handshake is written. The session is closed when idle.
     */
    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request, String subprotocols,
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
            openStreams.incrementAndGet();
            start.run();
        });
    }

    /**
     * Answers 101 and turns the connection into a SPDY/3.1 session served by {@code session}, closed
     * when idle and when {@code streamsOpened} is still false after the creation timeout.
     */
    private void switchToSpdy(ChannelHandlerContext ctx, String protocol, SimpleChannelInboundHandler<?> session,
            java.util.function.BooleanSupplier streamsOpened) {
        // One task on the channel's event loop, so no read can come in between: the 101 goes out first,
        // as raw bytes into TLS (written from the HTTP codec's context, so it skips the codec); then the
        // HTTP codec is swapped for SPDY's and the session starts (its first SETTINGS frame follows the
        // 101). The client sends no SPDY frame before it has read the 101.
        String switching = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: " + protocol + "\r\n\r\n";
        ctx.channel().eventLoop().execute(() -> {
            ChannelHandlerContext http = ctx.pipeline().context(io.netty.handler.codec.http.HttpServerCodec.class);
            http.writeAndFlush(Unpooled.copiedBuffer(switching, StandardCharsets.US_ASCII));
            ctx.pipeline().remove(io.netty.handler.codec.http.HttpObjectAggregator.class);
            KubeletApiServer.removeFrontDoor(ctx.pipeline());
            ctx.pipeline().replace(io.netty.handler.codec.http.HttpServerCodec.class, "spdy-codec",
                    new io.netty.handler.codec.spdy.SpdyFrameCodec(io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1));
            ctx.pipeline().addAfter("spdy-codec", "spdy-session", new io.netty.handler.codec.spdy.SpdySessionHandler(
                    io.netty.handler.codec.spdy.SpdyVersion.SPDY_3_1, true));
            ctx.pipeline().addAfter("spdy-session", "stream-session", session);
                ctx.channel().eventLoop().schedule(() -> {
                if (!streamsOpened.getAsBoolean()) {
                    LOG.info("closing a stream session: its streams were not opened within {}", timeouts.creation());
                    ctx.close();
                }
            }, timeouts.creation().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            openStreams.incrementAndGet();
            ctx.channel().closeFuture().addListener(closed -> openStreams.decrementAndGet());
        });
    }

    /** Whether any of {@code names} is set to {@code 1} or {@code true} (the kubelet's names, then the API's). */
    private static boolean flag(QueryStringDecoder uri, String... names) {
        for (String name : names) {
            List<String> values = uri.parameters().get(name);
            if (values != null && !values.isEmpty() && (values.get(0).equals("1") || values.get(0).equals("true"))) {
                return true;
            }
        }
        return false;
    }

    /** The target and streams of an exec or attach request, validated. */
    private WebSocketExec.Request streamRequest(QueryStringDecoder uri, List<String> parts, String kind,
            List<String> command) throws Refused {
        if (parts.size() != 4) {
            throw new IllegalArgumentException("expected /" + kind + "/{namespace}/{pod}/{container}");
        }
        WebSocketExec.Request wanted = new WebSocketExec.Request(parts.get(1), parts.get(2), parts.get(3), command,
                flag(uri, "input", "stdin"), flag(uri, "output", "stdout"), flag(uri, "error", "stderr"),
                flag(uri, "tty"));
        if (!wanted.stdin() && !wanted.stdout() && !wanted.stderr()) {
            throw new IllegalArgumentException("you must specify at least one of stdin, stdout, stderr");
        }
        requirePod(wanted.namespace(), wanted.pod());
        requireStreamPlace();
        return wanted;
    }

    /** Fails with 503 when {@code maxStreams} streams (followed logs, stream sessions) are open. */
    private void requireStreamPlace() throws Refused {
        if (openStreams.get() >= maxStreams) {
            throw new Refused(503, "Service unavailable: " + maxStreams + " streams are open on this node; retry"
                    + " later");
        }
    }

    /** Fails with 404 unless {@code namespace/pod} is bound to this node (the pod watch's view). */
    private void requirePod(String namespace, String pod) {
        if (index.get(namespace, pod).isEmpty()) {
            throw new NotFoundException("pod " + namespace + "/" + pod + " is not on this node");
        }
    }

    /** The SPDY stream protocols the client offers ({@code X-Stream-Protocol-Version}, repeatable or comma-separated). */
    private static List<String> streamProtocols(FullHttpRequest request) {
        return request.headers().getAll("X-Stream-Protocol-Version").stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).toList();
    }

    /** {@code /exec/{namespace}/{pod}/{container}?command=...}: a WebSocket stream session. */
    private Answer exec(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        ContainerExec exec = provider.capability(ContainerExec.class).orElse(null);
        if (exec == null) {
            return notImplemented("exec");
        }
        List<String> command = WebSocketExec.commands(uri.parameters());
        if (command.isEmpty()) {
            throw new IllegalArgumentException("you must specify at least one command");
        }
        WebSocketExec.Request wanted = streamRequest(uri, parts, "exec", command);
        return upgrade(ctx, request, wanted, "exec", io -> exec.runInContainer(wanted.namespace(), wanted.pod(),
                wanted.container(), wanted.command(), io));
    }

    /** {@code /attach/{namespace}/{pod}/{container}}: attach to the container's main process over a WebSocket. */
    private Answer attach(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
            List<String> parts) throws Refused {
        ContainerAttach attach = provider.capability(ContainerAttach.class).orElse(null);
        if (attach == null) {
            return notImplemented("attach");
        }
        WebSocketExec.Request wanted = streamRequest(uri, parts, "attach", List.of());
        return upgrade(ctx, request, wanted, "attach", io -> {
            attach.attachToContainer(wanted.namespace(), wanted.pod(), wanted.container(), io);
            return null;
        });
    }

    /** Upgrades to a WebSocket or SPDY/3.1 stream session that runs {@code session}. */
    private Answer upgrade(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketExec.Request wanted,
            String what, WebSocketExec.Session session) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("SPDY/3.1")) {
            List<String> offered = streamProtocols(request);
            String protocol = offered.contains(WebSocketExec.V4) ? WebSocketExec.V4
                    : offered.contains(WebSocketExec.V1) ? WebSocketExec.V1 : null;
            if (protocol == null) {
                return Answer.text(HttpResponseStatus.FORBIDDEN, "no supported stream protocol among " + offered
                        + ": this node speaks " + WebSocketExec.V4 + " and " + WebSocketExec.V1);
            }
            SpdyExec spdy = new SpdyExec(wanted, protocol.equals(WebSocketExec.V4), session, streams, () -> {});
            switchToSpdy(ctx, protocol, spdy, spdy::started);
            return null;
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, what + " needs a WebSocket or SPDY/3.1 upgrade");
        }
        String selected = protocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                WebSocketExec.SUBPROTOCOLS, WebSocketExec.V1);
        WebSocketExec socket = new WebSocketExec(wanted, selected);
        webSocket(ctx, request, WebSocketExec.SUBPROTOCOLS, socket,
                () -> socket.start(ctx.channel(), session, streams, openStreams::decrementAndGet));
        return null;
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

    private Answer logs(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, String namespace,
            String pod, String container) throws Refused {
        ContainerLogs logs = provider.capability(ContainerLogs.class).orElse(null);
        if (logs == null) {
            return notImplemented("container logs");
        }
        LogOptions options = LogRequest.parse(uri.parameters());
        requirePod(namespace, pod);
        requireStreamPlace();
        InputStream in = deadline.call("getContainerLogs", () -> logs.getContainerLogs(namespace, pod, container,
                options));
        if (in == null) {
            return Answer.text(HttpResponseStatus.OK, "");
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setTransferEncodingChunked(head, true);
        // a followed log may be quiet for long: no idle limit, but a client that stops reading is
        // dropped once a write has waited for the idle timeout
        KubeletApiServer.removeConnectionIdle(ctx.pipeline());
        ctx.writeAndFlush(head);
        ctx.channel().closeFuture().addListener(f -> closeQuietly(in));
        openStreams.incrementAndGet();
        streams.execute(() -> {
            try {
                copy(ctx, in);
            } finally {
                openStreams.decrementAndGet();
            }
        });
        return null;
    }

    private void copy(ChannelHandlerContext ctx, InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n = in.read(buffer); n >= 0 && ctx.channel().isActive(); n = in.read(buffer)) {
                if (n > 0 && !ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(buffer, 0, n)))
                        .await(timeouts.idle().toMillis())) {
                    LOG.info("closing a log stream whose client read nothing for {}", timeouts.idle());
                    ctx.close();
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOG.debug("log stream ended: {}", e.toString());
        }
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a log stream failed: {}", e.toString());
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, Answer answer) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answer.status(),
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
