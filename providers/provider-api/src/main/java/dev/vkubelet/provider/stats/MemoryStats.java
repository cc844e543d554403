package dev.vkubelet.provider.stats;

import java.time.Instant;
import java.util.Objects;

/** Memory usage sampled at {@code time}, in bytes; any value may be null when unknown. */
public record MemoryStats(Instant time, Long availableBytes, Long usageBytes, Long workingSetBytes, Long rssBytes) {

    public MemoryStats {
        Objects.requireNonNull(time, "time");
    }
}
