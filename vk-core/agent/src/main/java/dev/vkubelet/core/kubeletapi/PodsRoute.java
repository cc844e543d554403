package dev.vkubelet.core.kubeletapi;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/** {@code /pods} (the pod watch's objects) and {@code /runningpods/} (the provider's list, rendered from them). */
final class PodsRoute implements Route {

    private final RouteContext context;

    PodsRoute(RouteContext context) {
        this.context = context;
    }

    @Override
    public Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        if (parts.get(0).equals("pods")) {
            return Answer.json(PodLists.pods(context.index()));
        }
        List<io.kubernetes.client.openapi.models.V1Pod> running = context.deadline().call("getPods",
                () -> context.provider().pods().getPods());
        // a provider serving several nodes lists them all: this node's only
        return Answer.json(PodLists.running(context.index(), running.stream().filter(p -> p.getSpec() == null
                || p.getSpec().getNodeName() == null || context.node().equals(p.getSpec().getNodeName())).toList()));
    }
}
