/**
 * The tracing facade that the host and every provider plugin share.
 *
 * <p>What lives here: {@link dev.vkubelet.tracing.Tracer} (start spans, child of whatever span is
 * current on this thread), {@link dev.vkubelet.tracing.Span} (attributes, annotations, status,
 * close), {@link dev.vkubelet.tracing.SpanStatus} and {@link dev.vkubelet.tracing.TracingConfig}.
 * Providers receive a {@code Tracer} in their context and add their own finer spans with it; they
 * never need OpenCensus types.
 *
 * <p>This package depends on nothing but the JDK. The OpenCensus adapter lives in
 * {@code dev.vkubelet.tracing.opencensus}.
 */
package dev.vkubelet.tracing;
