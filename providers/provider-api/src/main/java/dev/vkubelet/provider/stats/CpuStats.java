package dev.vkubelet.provider.stats;

import java.time.Instant;
import java.util.Objects;

/**
 * CPU usage sampled at {@code time}: the rate in nano-cores and the cumulative core-nanoseconds.
 * Either may be null when unknown.
 */
public record CpuStats(Instant time, Long usageNanoCores, Long usageCoreNanoSeconds) {

    public CpuStats {
        Objects.requireNonNull(time, "time");
    }
}
