package dev.vkubelet.tracing;

import java.util.function.Supplier;

/**
 * Starts spans. A new span is a child of the span current on the calling thread, and becomes the
 * current span until it is closed, so nested calls nest their spans without passing anything.
 *
 * <p>Implementations are thread-safe.
 */
public interface Tracer {

    /** Starts a span named {@code name} as a child of the current span (or as a root). */
    Span startSpan(String name);

    /**
     * Starts a span of detail {@code detail}: recorded when the configured {@link #granularity()}
     * includes it, otherwise a span that records nothing (and leaves the current span as it is).
     * Providers use this for their own steps: {@code NORMAL} for backend calls, {@code FINE} for
     * retries, polls and waits.
     */
    default Span startSpan(String name, Granularity detail) {
        return startSpan(name);
    }

    /**
     * Starts a server span for an incoming request whose trace context, if any, comes in its
     * headers: W3C {@code traceparent} or Zipkin B3 ({@code X-B3-TraceId}, {@code X-B3-SpanId},
     * {@code X-B3-Sampled}, {@code X-B3-Flags}). Without a valid context it starts a new trace.
     *
     * @param header returns a request header's value by (case-insensitive) name, or null
     */
    default Span startServerSpan(String name, java.util.function.Function<String, String> header) {
        return startSpan(name);
    }

    /**
     * Writes the trace context of the span current on this thread as the headers of an outgoing
     * request, in the formats the host propagates ({@code --trace-propagation}: W3C
     * {@code traceparent} by default, Zipkin B3 too or instead): {@code header} gets each header's
     * name and value. Writes nothing when there is no current trace. Call it where the request is
     * built, on the thread of the span it belongs to (a backend client's request pipeline, a plain
     * HTTP call).
     */
    default void inject(java.util.function.BiConsumer<String, String> header) {}

    /**
     * The current span's context as a W3C {@code traceparent} value, to keep with a pod and link a
     * later span to ({@link Span#link}); empty when there is no current trace.
     */
    default java.util.Optional<String> currentContext() {
        return java.util.Optional.empty();
    }

    /** The detail recorded by {@link #startSpan(String, Granularity)}. */
    default Granularity granularity() {
        return Granularity.FINE;
    }

    /** This tracer recording plugin spans up to {@code granularity}. */
    default Tracer withGranularity(Granularity granularity) {
        return new GranularTracer(this, granularity);
    }

    /**
     * The tracer the host hands to plugins: the same granularity, but a span started without a
     * detail ({@link #startSpan(String)}) counts as {@link Granularity#NORMAL}, so at
     * {@code coarse} a plugin records nothing whatever it calls. {@link #withGranularity} on the
     * result keeps that rule.
     */
    default Tracer forPlugins() {
        return new GranularTracer(this, granularity()).forPlugins();
    }

    /** Runs {@code body} inside a span named {@code name}; an exception marks the span failed. */
    default <T> T inSpan(String name, Supplier<T> body) {
        try (Span span = startSpan(name)) {
            try {
                return body.get();
            } catch (RuntimeException | Error e) {
                span.recordFailure(SpanStatus.UNKNOWN, e);
                throw e;
            }
        }
    }

    /**
     * Wraps {@code task} so that, on whatever thread it runs, the span current here (at the time
     * of wrapping) is its parent. Use it to hand work to another thread.
     */
    default <T> java.util.concurrent.Callable<T> propagate(java.util.concurrent.Callable<T> task) {
        return task;
    }

    /**
     * Captures the span current now: the result wraps a task so that it runs as that span's child,
     * however much later and on whatever thread. For work a request or a pod hands over later (a
     * stream session's copying, set up when the connection is upgraded); {@link #propagate} is the
     * same for a task known now.
     */
    default java.util.function.UnaryOperator<Runnable> continuation() {
        return task -> task;
    }

    /** A tracer whose spans record nothing. */
    static Tracer noop() {
        return NoopTracer.INSTANCE;
    }
}
