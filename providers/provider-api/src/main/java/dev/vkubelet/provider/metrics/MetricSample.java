package dev.vkubelet.provider.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One value of a metric, with its labels and, optionally, when it was measured. */
public record MetricSample(Map<String, String> labels, double value, Optional<Instant> timestamp) {

    public MetricSample {
        labels = Map.copyOf(labels);
        timestamp = timestamp == null ? Optional.empty() : timestamp;
    }
}
