package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.ResourceMetricsProvider;
import dev.vkubelet.provider.StatsSummaryProvider;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Optional;

/**
 * {@code /stats/summary} and {@code /metrics/resource} from the provider (within the deadline;
 * resource metrics from the summary when the provider has no metrics of its own), and
 * {@code /metrics}, the agent's own.
 */
final class StatsRoute implements Route {

    private final RouteContext context;

    StatsRoute(RouteContext context) {
        this.context = context;
    }

    @Override
    public Answer serve(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, List<String> parts)
            throws Refused {
        String path = uri.path();
        Optional<StatsSummaryProvider> summary = context.provider().capability(StatsSummaryProvider.class);
        if (parts.get(0).equals("stats")) {
            if (!path.equals("/stats/summary") && !path.equals("/stats/summary/")) {
                return Answer.text(HttpResponseStatus.NOT_FOUND, "no such stats endpoint: " + path);
            }
            if (summary.isEmpty()) {
                return context.notImplemented("stats");
            }
            return Answer.json(StatsRendering.summaryJson(context.deadline().call("getStatsSummary",
                    summary.get()::getStatsSummary)));
        }
        if (path.startsWith("/metrics/resource")) {
            Optional<ResourceMetricsProvider> own = context.provider().capability(ResourceMetricsProvider.class);
            if (own.isPresent()) {
                return Answer.prometheus(StatsRendering.families(context.deadline().call("getResourceMetrics",
                        own.get()::getResourceMetrics)));
            }
            if (summary.isEmpty()) {
                return context.notImplemented("resource metrics");
            }
            return Answer.prometheus(StatsRendering.resourceMetrics(context.deadline().call("getStatsSummary",
                    summary.get()::getStatsSummary)));
        }
        if (parts.size() == 1 && context.metrics().isPresent()) {
            return Answer.prometheus(context.metrics().get().scrape());
        }
        return Answer.text(HttpResponseStatus.NOT_FOUND, "no such metrics endpoint: " + path);
    }
}
