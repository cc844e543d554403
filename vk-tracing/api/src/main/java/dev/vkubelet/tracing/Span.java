package dev.vkubelet.tracing;

/**
 * One traced operation. Closing it ends it and restores the span that was current before it.
 * Close a span on the thread that started it.
 */
public interface Span extends AutoCloseable {

    /** Adds a string attribute; returns this span. */
    Span attribute(String key, String value);

    /** Adds a numeric attribute; returns this span. */
    Span attribute(String key, long value);

    /** Adds a boolean attribute; returns this span. */
    Span attribute(String key, boolean value);

    /**
     * Links this span to a span of another trace, given as a W3C {@code traceparent}
     * ({@link Tracer#currentContext}): for work done for several pods at once, such as a provider's
     * status loop, linked to each pod's trace. A malformed value is ignored. Returns this span.
     */
    default Span link(String traceparent) {
        return this;
    }

    /** Records a timestamped message on the span. */
    void annotate(String message);

    /** Sets the final status of the span. A span whose status is never set ends {@code OK}. */
    void setStatus(SpanStatus status, String message);

    /** Sets {@code status} with the failure's message and records the exception's type. */
    default void recordFailure(SpanStatus status, Throwable failure) {
        attribute("error.type", failure.getClass().getName());
        setStatus(status, String.valueOf(failure.getMessage()));
    }

    /** The trace id as 32 lower-case hex digits (all zeros for a span that records nothing). */
    String traceId();

    /** The span id as 16 lower-case hex digits (all zeros for a span that records nothing). */
    String spanId();

    /** Ends the span. Idempotent. */
    @Override
    void close();
}
