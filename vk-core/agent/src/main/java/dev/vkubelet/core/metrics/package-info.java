/**
 * The node agent's own metrics. {@link dev.vkubelet.core.metrics.Instrumentation} is the narrow
 * interface the controllers, the plugin boundary and the API client report to (a no-op by
 * default); {@link dev.vkubelet.core.metrics.MicrometerInstrumentation} records into a Micrometer
 * Prometheus registry (with JVM and process metrics), and {@link dev.vkubelet.core.metrics.MetricsServer}
 * serves it on {@code --metrics-addr} at {@code /metrics}, in the Prometheus text format or
 * OpenMetrics when asked. {@link dev.vkubelet.core.metrics.ApiRequestMetrics} counts the requests
 * this agent makes to the API server.
 *
 * <p>Depends on Micrometer; the controllers depend only on {@code Instrumentation}.
 */
package dev.vkubelet.core.metrics;
