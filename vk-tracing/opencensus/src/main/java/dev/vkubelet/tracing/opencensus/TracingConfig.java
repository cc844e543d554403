package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.exporters.ExporterSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How the host records and exports traces.
 *
 * @param serviceName the service name exporters display
 * @param tags attributes added to every span the host starts
 * @param sampleRatePercent probability, 0 to 100, that a new trace is recorded; empty keeps the
 *     OpenCensus default (1 in 10,000)
 * @param exporters where spans go, checked ({@link ExporterSettings#parse}); empty exports nothing
 * @param granularity how much detail provider plugins record
 */
public record TracingConfig(
        String serviceName, Map<String, String> tags, OptionalDouble sampleRatePercent,
        List<ExporterSettings> exporters, Granularity granularity) {

    /** The service name used when none is given. */
    public static final String DEFAULT_SERVICE_NAME = "virtual-kubelet";

    public TracingConfig {
        Objects.requireNonNull(serviceName, "serviceName");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(sampleRatePercent, "sampleRatePercent");
        exporters = List.copyOf(exporters);
        Objects.requireNonNull(granularity, "granularity");
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
                Granularity.NORMAL);
    }
}
