package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.Tracer;
import io.opencensus.trace.AttributeValue;
import java.util.Map;
import java.util.Objects;

/** A {@link Tracer} over an OpenCensus tracer; spans become current through OpenCensus' context. */
final class OpenCensusTracer implements Tracer {

    private final io.opencensus.trace.Tracer tracer;
    private final Map<String, AttributeValue> defaultAttributes;

    OpenCensusTracer(io.opencensus.trace.Tracer tracer, Map<String, AttributeValue> defaultAttributes) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.defaultAttributes = Map.copyOf(defaultAttributes);
    }

    @Override
    public <T> java.util.concurrent.Callable<T> propagate(java.util.concurrent.Callable<T> task) {
        return io.grpc.Context.current().wrap(task);
    }

    @Override
    public Span startServerSpan(String name, java.util.function.Function<String, String> header) {
        java.util.Optional<io.opencensus.trace.SpanContext> remote = IncomingContext.extract(header);
        io.opencensus.trace.SpanBuilder builder = remote.isPresent()
                ? tracer.spanBuilderWithRemoteParent(name, remote.get())
                : tracer.spanBuilderWithExplicitParent(name, null);
        io.opencensus.trace.Span span = builder.setSpanKind(io.opencensus.trace.Span.Kind.SERVER)
                .setRecordEvents(true).startSpan();
        if (!defaultAttributes.isEmpty()) {
            span.putAttributes(defaultAttributes);
        }
        return new OpenCensusSpan(span, tracer.withSpan(span));
    }

    @Override
    public Span startSpan(String name) {
        io.opencensus.trace.Span span = tracer.spanBuilder(name)
                .setRecordEvents(true)
                .startSpan();
        if (!defaultAttributes.isEmpty()) {
            span.putAttributes(defaultAttributes);
        }
        return new OpenCensusSpan(span, tracer.withSpan(span));
    }
}
