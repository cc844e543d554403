package dev.vkubelet.provider.stats;

import java.time.Instant;
import java.util.Objects;

/** Usage of the whole node. {@code cpu} and {@code memory} may be null when unknown. */
public record NodeStats(String nodeName, Instant startTime, CpuStats cpu, MemoryStats memory) {

    public NodeStats {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(startTime, "startTime");
    }
}
