/**
 * The OpenCensus implementation of the tracing facade.
 *
 * <p>{@link dev.vkubelet.tracing.opencensus.OpenCensusTracing#configure} applies a
 * {@link dev.vkubelet.tracing.TracingConfig} (sampler, default tags) to the process-wide OpenCensus
 * trace component and returns the {@link dev.vkubelet.tracing.Tracer} the host hands to plugins.
 * Only the host touches this package; plugins see the facade.
 */
package dev.vkubelet.tracing.opencensus;
