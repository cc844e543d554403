package dev.vkubelet.provider.stats;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Usage of one pod and its containers. {@code cpu} and {@code memory} may be null. */
public record PodStats(
        PodReference podRef, Instant startTime, List<ContainerStats> containers, CpuStats cpu, MemoryStats memory) {

    public PodStats {
        Objects.requireNonNull(podRef, "podRef");
        Objects.requireNonNull(startTime, "startTime");
        containers = List.copyOf(containers);
    }
}
