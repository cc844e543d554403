package dev.vkubelet.tracing;

/** The tracer behind {@link Tracer#noop()}. */
enum NoopTracer implements Tracer, Span {
    INSTANCE;

    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    @Override
    public Span startSpan(String name) {
        return this;
    }

    @Override
    public Span attribute(String key, String value) {
        return this;
    }

    @Override
    public Span attribute(String key, long value) {
        return this;
    }

    @Override
    public Span attribute(String key, boolean value) {
        return this;
    }

    @Override
    public void annotate(String message) {}

    @Override
    public void setStatus(SpanStatus status, String message) {}

    @Override
    public String traceId() {
        return ZERO_TRACE;
    }

    @Override
    public String spanId() {
        return ZERO_SPAN;
    }

    @Override
    public void close() {}
}
