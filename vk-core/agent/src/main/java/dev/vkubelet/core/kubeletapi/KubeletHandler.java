package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one request that passed the {@link FrontDoor}: authorises its caller, traces it (a server
 * span named by route, continuing an authenticated caller's B3 or W3C trace context), dispatches it
 * to its {@link Route} by the path's first segment, and turns what the route throws into a 4xx or
 * 5xx answer with a message. Runs on an executor of its own, never on the event loop, since
 * authorisation and providers may block.
 */
final class KubeletHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletHandler.class);

    private final Authorizer authorizer;
    private final Tracer tracer;
    private final Instrumentation instrumentation;
    private final Map<String, Route> routes;

    KubeletHandler(Authorizer authorizer, RouteContext context, Tracer tracer, Instrumentation instrumentation) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.instrumentation = Objects.requireNonNull(instrumentation, "instrumentation");
        StreamUpgrades upgrades = new StreamUpgrades(context);
        Route pods = new PodsRoute(context);
        Route stats = new StatsRoute(context);
        Route exec = new ExecRoute(context, upgrades);
        this.routes = Map.of("pods", pods, "runningpods", pods, "stats", stats, "metrics", stats,
                "containerLogs", new LogsRoute(context), "exec", exec, "attach", exec,
                "portForward", new PortForwardRoute(context, upgrades));
    }

    /** The route a path belongs to, for span names and metrics. */
    static String route(String path) {
        for (String prefix : List.of("/containerLogs/", "/exec/", "/attach/", "/portForward/", "/runningpods/",
                "/stats/summary", "/metrics/resource", "/metrics", "/pods", "/healthz")) {
            if (path.startsWith(prefix)) {
                return prefix.endsWith("/") ? prefix + "*" : prefix;
            }
        }
        return "other";
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
            Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "request without a caller").send(ctx, false);
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
            Answer answer = answer(ctx, request, uri, caller);
            int code = answer == null ? 200 : answer.status().code();
            instrumentation.kubeletRequest(route, code, Duration.ofNanos(System.nanoTime() - started));
            span.attribute("http.status_code", code);
            if (answer == null) {
                return;
            }
            if (code >= 500) {
                span.setStatus(SpanStatus.INTERNAL, answer.body().strip());
            } else if (code >= 400) {
                span.setStatus(code == 404 ? SpanStatus.NOT_FOUND : SpanStatus.INVALID_ARGUMENT, answer.body().strip());
            }
            answer.send(ctx, HttpUtil.isKeepAlive(request));
        }
    }

    /** The answer to {@code request}, or null when its route streamed it or upgraded the connection. */
    private Answer answer(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, Caller caller) {
        String path = uri.path();
        try {
            authorizer.authorize(caller, request.method().name(), path);
            List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
            Route route = parts.isEmpty() ? null : routes.get(parts.get(0));
            if (route == null) {
                return Answer.text(HttpResponseStatus.NOT_FOUND, "no such kubelet API path: " + path);
            }
            return route.serve(ctx, request, uri, parts);
        } catch (Refused e) {
            return Answer.text(HttpResponseStatus.valueOf(e.status), e.getMessage());
        } catch (ProviderDeadline.Exceeded e) {
            return Answer.text(HttpResponseStatus.GATEWAY_TIMEOUT, "Gateway timeout: " + e.getMessage());
        } catch (ProviderDeadline.Busy e) {
            return Answer.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "Service unavailable: " + e.getMessage()
                    + "; retry later");
        } catch (IllegalArgumentException e) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        } catch (NotFoundException e) {
            return Answer.text(HttpResponseStatus.NOT_FOUND, e.getMessage());
        } catch (ProviderException e) {
            return Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("kubelet API {} {} failed", request.method(), path, e);
            return Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
        }
    }
}
