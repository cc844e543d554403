package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.ContainerAttach;
import dev.vkubelet.provider.ContainerExec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code /exec/{namespace}/{pod}/{container}?command=...} and {@code /attach/...}: a stream session
 * over a WebSocket ({@code v5}/{@code v4}/{@code channel.k8s.io}, base64 too) or SPDY/3.1
 * ({@code v4.channel.k8s.io}, {@code channel.k8s.io}) that runs the provider's exec or attach.
 */
final class ExecRoute implements Route {

    private final RouteContext context;
    private final StreamUpgrades upgrades;

    ExecRoute(RouteContext context, StreamUpgrades upgrades) {
        this.context = context;
        this.upgrades = upgrades;
    }

    @Override
    public Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        if (parts.get(0).equals("exec")) {
            ContainerExec exec = context.provider().capability(ContainerExec.class).orElse(null);
            if (exec == null) {
                return context.notImplemented("exec");
            }
            List<String> command = WebSocketExec.commands(uri.parameters());
            if (command.isEmpty()) {
                throw new IllegalArgumentException("you must specify at least one command");
            }
            WebSocketExec.Request wanted = streamRequest(uri, parts, "exec", command);
            return upgrade(ctx, request, wanted, "exec", io -> exec.runInContainer(wanted.namespace(), wanted.pod(),
                    wanted.container(), wanted.command(), io));
        }
        ContainerAttach attach = context.provider().capability(ContainerAttach.class).orElse(null);
        if (attach == null) {
            return context.notImplemented("attach");
        }
        WebSocketExec.Request wanted = streamRequest(uri, parts, "attach", List.of());
        return upgrade(ctx, request, wanted, "attach", io -> {
            attach.attachToContainer(wanted.namespace(), wanted.pod(), wanted.container(), io);
            return null;
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
        context.requirePod(wanted.namespace(), wanted.pod());
        context.requireStreamPlace();
        return wanted;
    }

    /** Upgrades to a WebSocket or SPDY/3.1 stream session that runs {@code session}. */
    private Answer upgrade(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketExec.Request wanted,
            String what, WebSocketExec.Session session) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("SPDY/3.1")) {
            List<String> offered = StreamUpgrades.streamProtocols(request);
            String protocol = offered.contains(WebSocketExec.V4) ? WebSocketExec.V4
                    : offered.contains(WebSocketExec.V1) ? WebSocketExec.V1 : null;
            if (protocol == null) {
                return Answer.text(HttpResponseStatus.FORBIDDEN, "no supported stream protocol among " + offered
                        + ": this node speaks " + WebSocketExec.V4 + " and " + WebSocketExec.V1);
            }
            SpdyExec spdy = new SpdyExec(wanted, protocol.equals(WebSocketExec.V4), session, context.streams(),
                    () -> {});
            upgrades.spdy(ctx, protocol, spdy, spdy::started);
            return null;
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, what + " needs a WebSocket or SPDY/3.1 upgrade");
        }
        String selected = StreamUpgrades.protocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                WebSocketExec.SUBPROTOCOLS, WebSocketExec.V1);
        WebSocketExec socket = new WebSocketExec(wanted, selected);
        ExecutorService streams = context.streams(); // taken now: the session continues this request's span
        upgrades.webSocket(ctx, request, WebSocketExec.SUBPROTOCOLS, socket,
                () -> socket.start(ctx.channel(), session, streams, context.openStreams()::decrementAndGet));
        return null;
    }
}
