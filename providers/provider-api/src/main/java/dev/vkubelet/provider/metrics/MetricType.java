package dev.vkubelet.provider.metrics;

/** The Prometheus metric types a provider may report. */
public enum MetricType {
    GAUGE,
    COUNTER
}
