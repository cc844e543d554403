package dev.vkubelet.provider.metrics;

import java.util.List;
import java.util.Objects;

/** A named metric with its help text, type and samples. */
public record MetricFamily(String name, String help, MetricType type, List<MetricSample> samples) {

    public MetricFamily {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(type, "type");
        samples = List.copyOf(samples);
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("not a Prometheus metric name: " + name);
        }
    }
}
