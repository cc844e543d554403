/**
 * The host's OpenCensus implementation of the tracing facade.
 *
 * <p>{@link dev.vkubelet.tracing.opencensus.OpenCensusTracing#configure} applies a
 * {@link dev.vkubelet.tracing.opencensus.TracingConfig} (sampler, default tags, granularity) to the
 * process-wide OpenCensus trace component and returns the {@link dev.vkubelet.tracing.Tracer} the
 * host hands to plugins; its spans put their ids in the SLF4J MDC while current, and server spans
 * continue a W3C or B3 context from request headers ({@code IncomingContext}).
 * Only the host depends on this module; plugins see the facade ({@code vk-tracing}).
 */
package dev.vkubelet.tracing.opencensus;
