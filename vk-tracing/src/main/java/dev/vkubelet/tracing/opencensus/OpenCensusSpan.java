package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import io.opencensus.common.Scope;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.EndSpanOptions;
import io.opencensus.trace.Status;

/** One OpenCensus span plus the scope that made it current. */
final class OpenCensusSpan implements Span {

    private static final EndSpanOptions END = EndSpanOptions.builder().setSampleToLocalSpanStore(true).build();

    private final io.opencensus.trace.Span span;
    private final Scope scope;
    private boolean closed;

    OpenCensusSpan(io.opencensus.trace.Span span, Scope scope) {
        this.span = span;
        this.scope = scope;
    }

    @Override
    public Span attribute(String key, String value) {
        span.putAttribute(key, AttributeValue.stringAttributeValue(String.valueOf(value)));
        return this;
    }

    @Override
    public Span attribute(String key, long value) {
        span.putAttribute(key, AttributeValue.longAttributeValue(value));
        return this;
    }

    @Override
    public Span attribute(String key, boolean value) {
        span.putAttribute(key, AttributeValue.booleanAttributeValue(value));
        return this;
    }

    @Override
    public void annotate(String message) {
        span.addAnnotation(message);
    }

    @Override
    public void setStatus(SpanStatus status, String message) {
        Status ocStatus = Status.CanonicalCode.valueOf(status.name()).toStatus();
        span.setStatus(message == null ? ocStatus : ocStatus.withDescription(message));
    }

    @Override
    public String traceId() {
        return span.getContext().getTraceId().toLowerBase16();
    }

    @Override
    public String spanId() {
        return span.getContext().getSpanId().toLowerBase16();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scope.close();
        span.end(END);
    }
}
