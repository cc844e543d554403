/**
 * The tracing facade that the host and every provider plugin share.
 *
 * <p>What lives here: {@link dev.vkubelet.tracing.Tracer} (start spans, child of whatever span is
 * current on this thread), {@link dev.vkubelet.tracing.Span} (attributes, annotations, status,
 * close), {@link dev.vkubelet.tracing.SpanStatus}, {@link dev.vkubelet.tracing.Granularity} (how much
 * detail plugins record) and {@link dev.vkubelet.tracing.TracingConfig}. While a span is current
 * its ids are in the SLF4J MDC as {@code traceId} and {@code spanId}.
 * Providers receive a {@code Tracer} in their context and add their own finer spans with it; they
 * never need OpenCensus types.
 *
 * <p>This package depends on nothing but the JDK and the SLF4J API. The OpenCensus adapter lives in
 * {@code dev.vkubelet.tracing.opencensus}.
 */
package dev.vkubelet.tracing;
