package dev.vkubelet.provider;

import dev.vkubelet.provider.stats.StatsSummary;

/** Optional capability: the kubelet stats summary ({@code /stats/summary}, metrics-server). */
public interface StatsSummaryProvider {

    /** Current usage of the node and each of its pods. */
    StatsSummary getStatsSummary();
}
