/**
 * A small Prometheus metric model for {@link dev.vkubelet.provider.ResourceMetricsProvider}: metric
 * families of gauges or counters with labelled samples. The host renders them in the Prometheus
 * text format.
 *
 * <p>Part of the SPI: depends on the JDK only; plugins and the host depend on it.
 */
package dev.vkubelet.provider.metrics;
