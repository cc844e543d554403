/**
 * The tracing facade: all a provider plugin sees of tracing.
 *
 * <p>{@link dev.vkubelet.tracing.Tracer} starts spans (a child of whatever span is current on this
 * thread), {@link dev.vkubelet.tracing.Span} carries attributes, annotations and a
 * {@link dev.vkubelet.tracing.SpanStatus}, and {@link dev.vkubelet.tracing.Granularity} is how much
 * detail plugins record ({@code Tracer.startSpan(name, detail)}). Providers receive a {@code Tracer}
 * in their context and add their own finer spans with it; {@link dev.vkubelet.tracing.Tracer#noop()}
 * records nothing.
 *
 * <p>Depends on the JDK only: it is the artifact plugins compile against and the only tracing code
 * that crosses the plugin class loader. The host binds it to OpenCensus in
 * {@code vk-tracing-opencensus} (which also puts the current ids in the SLF4J MDC as
 * {@code traceId} and {@code spanId}); plugins never see that module.
 */
package dev.vkubelet.tracing;
