package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.PortForwarder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code /portForward/{namespace}/{pod}}: SPDY/3.1 with {@code portforward.k8s.io} (streams opened
 * by the client), or the kubelet's WebSocket protocol ({@code ?port=N}, channels 2i data and 2i+1
 * error).
 */
final class PortForwardRoute implements Route {

    private final RouteContext context;
    private final StreamUpgrades upgrades;

    PortForwardRoute(RouteContext context, StreamUpgrades upgrades) {
        this.context = context;
        this.upgrades = upgrades;
    }

    @Override
    public Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        PortForwarder forwarder = context.provider().capability(PortForwarder.class).orElse(null);
        if (forwarder == null) {
            return context.notImplemented("port-forward");
        }
        if (parts.size() != 3) {
            throw new IllegalArgumentException("expected /portForward/{namespace}/{pod}");
        }
        String namespace = parts.get(1);
        String pod = parts.get(2);
        context.requirePod(namespace, pod);
        context.requireStreamPlace();
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            return webSocket(ctx, request, uri, namespace, pod, forwarder);
        }
        if (upgrade == null || !upgrade.equalsIgnoreCase("SPDY/3.1")) {
            return Answer.text(HttpResponseStatus.BAD_REQUEST, "port-forward needs a SPDY/3.1 or WebSocket upgrade");
        }
        if (!StreamUpgrades.streamProtocols(request).contains("portforward.k8s.io")) {
            return Answer.text(HttpResponseStatus.FORBIDDEN, "no supported stream protocol: this node speaks"
                    + " portforward.k8s.io");
        }
        SpdyPortForward session = new SpdyPortForward(namespace, pod, forwarder, context.streams(),
                context.forwarded());
        upgrades.spdy(ctx, "portforward.k8s.io", session, session::anyStreamOpened);
        return null;
    }

    private Answer webSocket(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
            String namespace, String pod, PortForwarder forwarder) {
        List<Integer> ports = new ArrayList<>();
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
        if (ports.size() > context.forwarded().perSession()) {
            throw new IllegalArgumentException("at most " + context.forwarded().perSession() + " ports per session");
        }
        String selected = StreamUpgrades.protocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
                WebSocketPortForward.SUBPROTOCOLS, WebSocketPortForward.BINARY);
        WebSocketPortForward session = new WebSocketPortForward(namespace, pod, ports, selected);
        ExecutorService streams = context.streams(); // taken now: the session continues this request's span
        upgrades.webSocket(ctx, request, WebSocketPortForward.SUBPROTOCOLS, session, () -> session.start(
                ctx.channel(), forwarder, streams, context.openStreams()::decrementAndGet));
        return null;
    }
}
