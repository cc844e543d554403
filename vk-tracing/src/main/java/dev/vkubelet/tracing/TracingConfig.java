package dev.vkubelet.tracing;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How traces are recorded and exported.
 *
 * @param serviceName the service name exporters display
 * @param tags attributes added to every span the host starts
 * @param sampleRatePercent probability, 0 to 100, that a new trace is recorded; empty keeps the
 *     OpenCensus default (1 in 10,000)
 * @param exporters names of the exporters to send spans to; empty exports nothing
 * @param granularity how much detail provider plugins record
 * @param exporterSettings the exporters' settings (environment variables such as
 *     {@code JAEGER_ENDPOINT}, {@code ZPAGES_PORT}, {@code VK_TRACE_FILE})
 */
public record TracingConfig(
        String serviceName, Map<String, String> tags, OptionalDouble sampleRatePercent, List<String> exporters,
        Granularity granularity, Map<String, String> exporterSettings) {

    /** The environment variables exporters read. */
    public static final java.util.Set<String> EXPORTER_VARIABLES = java.util.Set.of("JAEGER_ENDPOINT",
            "JAEGER_COLLECTOR_ENDPOINT", "JAEGER_AGENT_ENDPOINT", "JAGER_AGENT_ENDPOINT", "JAEGER_USER",
            "JAEGER_PASSWORD", "ZPAGES_PORT", "ZIPKIN_ENDPOINT", "VK_TRACE_FILE");

    /** The service name used when none is given. */
    public static final String DEFAULT_SERVICE_NAME = "virtual-kubelet";

    public TracingConfig {
        Objects.requireNonNull(serviceName, "serviceName");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(sampleRatePercent, "sampleRatePercent");
        exporters = List.copyOf(exporters);
        Objects.requireNonNull(granularity, "granularity");
        exporterSettings = Map.copyOf(exporterSettings);
        if (sampleRatePercent.isPresent()) {
            double rate = sampleRatePercent.getAsDouble();
            if (!(rate >= 0 && rate <= 100)) {
                throw new IllegalArgumentException("sample rate must be between 0 and 100, got " + rate);
            }
        }
    }

    /** Defaults: service {@value #DEFAULT_SERVICE_NAME}, no tags, default sampling, no exporters, normal detail. */
    public static TracingConfig defaults() {
        return new TracingConfig(DEFAULT_SERVICE_NAME, Map.of(), OptionalDouble.empty(), List.of(),
                Granularity.NORMAL, Map.of());
    }
}
