package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.ResourceMetricsProvider;
import dev.vkubelet.provider.StatsSummaryProvider;
import dev.vkubelet.provider.stats.CpuStats;
import dev.vkubelet.provider.stats.MemoryStats;
import dev.vkubelet.provider.stats.NodeStats;
import dev.vkubelet.provider.stats.PodStats;
import dev.vkubelet.provider.stats.StatsSummary;
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
            return Answer.json(StatsRendering.summaryJson(ofThisNode(context.deadline().call("getStatsSummary",
                    summary.get()::getStatsSummary))));
        }
        if (path.startsWith("/metrics/resource")) {
            Optional<ResourceMetricsProvider> own = context.provider().capability(ResourceMetricsProvider.class);
            if (own.isPresent()) {
                var families = context.deadline().call("getResourceMetrics", own.get()::getResourceMetrics);
                try {
                    return Answer.prometheus(StatsRendering.families(families));
                } catch (IllegalArgumentException e) {
                    return Answer.text(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "the provider's resource metrics cannot be written: " + e.getMessage());
                }
            }
            if (summary.isEmpty()) {
                return context.notImplemented("resource metrics");
            }
            return Answer.prometheus(StatsRendering.resourceMetrics(ofThisNode(context.deadline().call(
                    "getStatsSummary", summary.get()::getStatsSummary))));
        }
        if (parts.size() == 1 && context.metrics().isPresent()) {
            return Answer.prometheus(context.metrics().get().scrape());
        }
        return Answer.text(HttpResponseStatus.NOT_FOUND, "no such metrics endpoint: " + path);
    }

    /**
     * The summary as this node's: from a provider serving several nodes, only the pods bound to this
     * one, and the node's usage as their sum; from any other, as it is.
     */
    private StatsSummary ofThisNode(StatsSummary summary) {
        if (!context.sharedProvider() || summary == null) {
            return summary;
        }
        List<PodStats> pods = summary.pods() == null ? List.of() : summary.pods().stream()
                .filter(p -> p.podRef() != null && context.index().get(p.podRef().namespace(), p.podRef().name())
                        .isPresent()).toList();
        java.time.Instant now = summary.node() != null && summary.node().cpu() != null
                ? summary.node().cpu().time() : java.time.Instant.now();
        long cores = pods.stream().map(PodStats::cpu).filter(java.util.Objects::nonNull)
                .mapToLong(c -> c.usageNanoCores() == null ? 0 : c.usageNanoCores()).sum();
        long coreSeconds = pods.stream().map(PodStats::cpu).filter(java.util.Objects::nonNull)
                .mapToLong(c -> c.usageCoreNanoSeconds() == null ? 0 : c.usageCoreNanoSeconds()).sum();
        long memory = pods.stream().map(PodStats::memory).filter(java.util.Objects::nonNull)
                .mapToLong(m -> m.usageBytes() == null ? 0 : m.usageBytes()).sum();
        long workingSet = pods.stream().map(PodStats::memory).filter(java.util.Objects::nonNull)
                .mapToLong(m -> m.workingSetBytes() == null ? 0 : m.workingSetBytes()).sum();
        return new StatsSummary(new NodeStats(context.node(), summary.node() == null ? null
                : summary.node().startTime(), new CpuStats(now, cores, coreSeconds),
                new MemoryStats(now, null, memory, workingSet, null)), pods);
    }
}
