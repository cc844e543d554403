package dev.vkubelet.provider.stats;

import java.time.Instant;
import java.util.Objects;

/** Usage of one container. {@code cpu} and {@code memory} may be null. */
public record ContainerStats(String name, Instant startTime, CpuStats cpu, MemoryStats memory) {

    public ContainerStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startTime, "startTime");
    }
}
