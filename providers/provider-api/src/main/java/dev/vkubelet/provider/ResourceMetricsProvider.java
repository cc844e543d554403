package dev.vkubelet.provider;

import dev.vkubelet.provider.metrics.MetricFamily;
import java.util.List;

/** Optional capability: resource metrics in Prometheus form ({@code /metrics/resource}). */
public interface ResourceMetricsProvider {

    /** Current resource metrics of the node, its pods and containers. */
    List<MetricFamily> getResourceMetrics();
}
