package dev.vkubelet.tracing.opencensus;

import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import io.opencensus.common.Scope;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.EndSpanOptions;
import io.opencensus.trace.Status;
import org.slf4j.MDC;

/** One OpenCensus span plus the scope that made it current. */
final class OpenCensusSpan implements Span {

    private static final EndSpanOptions END = EndSpanOptions.builder().setSampleToLocalSpanStore(true).build();

    private final io.opencensus.trace.Span span;
    private final Scope scope;
    private final String previousTraceId;
    private final String previousSpanId;
    private boolean closed;

    /** Makes {@code span} current (its scope is {@code scope}) and puts its ids into the MDC. */
    OpenCensusSpan(io.opencensus.trace.Span span, Scope scope) {
        this.span = span;
        this.scope = scope;
        this.previousTraceId = MDC.get("traceId");
        this.previousSpanId = MDC.get("spanId");
        MDC.put("traceId", traceId());
        MDC.put("spanId", spanId());
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
    public Span link(String traceparent) {
        IncomingContext.extract(name -> "traceparent".equalsIgnoreCase(name) ? traceparent : null)
                .ifPresent(context -> span.addLink(io.opencensus.trace.Link.fromSpanContext(context,
                        io.opencensus.trace.Link.Type.CHILD_LINKED_SPAN)));
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
        restore("traceId", previousTraceId);
        restore("spanId", previousSpanId);
        scope.close();
        span.end(END);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
