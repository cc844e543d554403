package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.Tracer;
import io.opencensus.trace.AttributeValue;
import java.util.Map;
import java.util.Objects;

/** A {@link Tracer} over an OpenCensus tracer; spans become current through OpenCensus' context. */
final class OpenCensusTracer implements Tracer {

    private static final io.opencensus.trace.propagation.TextFormat.Setter<java.util.function.BiConsumer<String, String>>
            SETTER = new io.opencensus.trace.propagation.TextFormat.Setter<>() {
                @Override
                public void put(java.util.function.BiConsumer<String, String> carrier, String key, String value) {
                    carrier.accept(key, value);
                }
            };

    private final io.opencensus.trace.Tracer tracer;
    private final Map<String, AttributeValue> defaultAttributes;
    private final java.util.List<io.opencensus.trace.propagation.TextFormat> outgoing;

    OpenCensusTracer(io.opencensus.trace.Tracer tracer, Map<String, AttributeValue> defaultAttributes,
            java.util.Set<TracingConfig.Propagation> propagation) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.defaultAttributes = Map.copyOf(defaultAttributes);
        this.outgoing = propagation.stream().sorted().map(p -> p == TracingConfig.Propagation.B3
                ? io.opencensus.trace.Tracing.getPropagationComponent().getB3Format()
                : io.opencensus.trace.Tracing.getPropagationComponent().getTraceContextFormat()).toList();
    }

    @Override
    public java.util.Optional<String> currentContext() {
        io.opencensus.trace.SpanContext context = tracer.getCurrentSpan().getContext();
        if (!context.isValid()) {
            return java.util.Optional.empty();
        }
        StringBuilder value = new StringBuilder();
        io.opencensus.trace.Tracing.getPropagationComponent().getTraceContextFormat().inject(context,
                (java.util.function.BiConsumer<String, String>) (name, v) -> value.append(v), SETTER);
        return java.util.Optional.of(value.toString());
    }

    @Override
    public java.util.function.UnaryOperator<Runnable> continuation() {
        io.grpc.Context captured = io.grpc.Context.current();
        return captured::wrap;
    }

    @Override
    public void inject(java.util.function.BiConsumer<String, String> header) {
        io.opencensus.trace.SpanContext context = tracer.getCurrentSpan().getContext();
        if (!context.isValid()) {
            return;
        }
        for (io.opencensus.trace.propagation.TextFormat format : outgoing) {
            format.inject(context, header, SETTER);
        }
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
