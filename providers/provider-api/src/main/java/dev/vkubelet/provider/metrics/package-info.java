/**
 * A small Prometheus metric model for {@link dev.vkubelet.provider.ResourceMetricsProvider}: metric
 * families of gauges or counters with labelled samples. The host renders them in the Prometheus
 * text format.
 */
package dev.vkubelet.provider.metrics;
