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
 * @param propagation the formats outgoing requests carry the trace context in
 */
public record TracingConfig(
        String serviceName, Map<String, String> tags, OptionalDouble sampleRatePercent,
        List<ExporterSettings> exporters, Granularity granularity, java.util.Set<Propagation> propagation) {

    /** How a trace context travels in request headers. */
    public enum Propagation {
        /** W3C Trace Context: {@code traceparent}. */
        W3C,
        /** Zipkin B3: {@code X-B3-TraceId}, {@code X-B3-SpanId}, {@code X-B3-Sampled}. */
        B3;

        /** Parses a comma-separated list of {@code w3c} and {@code b3} (any case). */
        public static java.util.Set<Propagation> parse(String text) {
            java.util.Set<Propagation> formats = java.util.EnumSet.noneOf(Propagation.class);
            for (String part : text.split(",")) {
                String name = part.strip().toUpperCase(java.util.Locale.ROOT);
                try {
                    formats.add(valueOf(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + part.strip() + "' is not a propagation format: use w3c, b3"
                            + " or both (w3c,b3)");
                }
            }
            return formats;
        }
    }

    /** The formats without {@code propagation}: W3C. */
    public TracingConfig(String serviceName, Map<String, String> tags, OptionalDouble sampleRatePercent,
            List<ExporterSettings> exporters, Granularity granularity) {
        this(serviceName, tags, sampleRatePercent, exporters, granularity, java.util.Set.of(Propagation.W3C));
    }

    /** The service name used when none is given. */
    public static final String DEFAULT_SERVICE_NAME = "virtual-kubelet";

    public TracingConfig {
        Objects.requireNonNull(serviceName, "serviceName");
        tags = Map.copyOf(tags);
        Objects.requireNonNull(sampleRatePercent, "sampleRatePercent");
        exporters = List.copyOf(exporters);
        Objects.requireNonNull(granularity, "granularity");
        propagation = java.util.Set.copyOf(propagation);
        if (propagation.isEmpty()) {
            throw new IllegalArgumentException("propagation needs at least one format");
        }
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
