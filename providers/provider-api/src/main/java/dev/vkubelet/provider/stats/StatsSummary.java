package dev.vkubelet.provider.stats;

import java.util.List;
import java.util.Objects;

/** The node's usage and every pod's. */
public record StatsSummary(NodeStats node, List<PodStats> pods) {

    public StatsSummary {
        Objects.requireNonNull(node, "node");
        pods = List.copyOf(pods);
    }
}
