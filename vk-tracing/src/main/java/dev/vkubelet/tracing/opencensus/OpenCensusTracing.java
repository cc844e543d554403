package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.TracingConfig;
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
     * Applies the sampling rate (when set) to the global OpenCensus trace configuration and returns
     * a tracer that adds the configured tags and the service name to every span it starts.
     */
    public static Tracer configure(TracingConfig config) {
        TraceConfig traceConfig = Tracing.getTraceConfig();
        config.sampleRatePercent().ifPresent(rate -> traceConfig.updateActiveTraceParams(
                traceConfig.getActiveTraceParams().toBuilder()
                        .setSampler(Samplers.probabilitySampler(rate / 100.0))
                        .build()));
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("service.name", AttributeValue.stringAttributeValue(config.serviceName()));
        config.tags().forEach((k, v) -> attributes.put(k, AttributeValue.stringAttributeValue(v)));
        return new OpenCensusTracer(Tracing.getTracer(), attributes).withGranularity(config.granularity());
    }
}
