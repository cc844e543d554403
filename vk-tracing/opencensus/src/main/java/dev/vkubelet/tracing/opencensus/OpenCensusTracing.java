package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Tracer;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.config.TraceConfig;
import io.opencensus.trace.samplers.Samplers;
import java.util.LinkedHashMap;
import java.util.Map;

/** Entry point: configures OpenCensus from a {@link TracingConfig} and builds the tracer. */
public final class OpenCensusTracing {

    private OpenCensusTracing() {}

    /**
     * The sampler for {@code ratePercent}: 0 ({@code never}) samples nothing, not even a trace a
     * caller says is sampled; 100 ({@code always}) samples everything; a rate between keeps a
     * remote parent's decision and otherwise samples that share of new traces. (OpenCensus'
     * probability sampler at 0 would still keep every trace whose parent arrives sampled.)
     */
    static io.opencensus.trace.Sampler sampler(double ratePercent) {
        if (ratePercent <= 0) {
            return Samplers.neverSample();
        }
        if (ratePercent >= 100) {
            return Samplers.alwaysSample();
        }
        return Samplers.probabilitySampler(ratePercent / 100.0);
    }

    /**
     * Applies the sampling rate (when set) to the global OpenCensus trace configuration and returns
     * a tracer that adds the configured tags and the service name to every span it starts.
     */
    public static Tracer configure(TracingConfig config) {
        TraceConfig traceConfig = Tracing.getTraceConfig();
        config.sampleRatePercent().ifPresent(rate -> traceConfig.updateActiveTraceParams(
                traceConfig.getActiveTraceParams().toBuilder().setSampler(sampler(rate)).build()));
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("service.name", AttributeValue.stringAttributeValue(config.serviceName()));
        config.tags().forEach((k, v) -> attributes.put(k, AttributeValue.stringAttributeValue(v)));
        return new OpenCensusTracer(Tracing.getTracer(), attributes, config.propagation()).withGranularity(config.granularity());
    }
}
