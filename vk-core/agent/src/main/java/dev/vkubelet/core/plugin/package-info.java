/**
 * The PF4J plugin host and the boundary every call into plugin code crosses.
 *
 * <p>{@link dev.vkubelet.core.plugin.PluginHost} loads the jars of a plugin directory, starts them,
 * and collects every broken plugin as a {@link dev.vkubelet.core.plugin.PluginFailure} (path and
 * cause) instead of failing. It finds {@code ProviderFactory} extensions by provider name and
 * creates the provider through {@link dev.vkubelet.core.plugin.ProviderCalls}, the single
 * decorator that, around every call, swaps the thread context class loader to the plugin's, opens
 * a span, sets the MDC fields {@code provider}, {@code traceId}, {@code spanId}, and turns every
 * exception into one of the shared provider errors. {@link dev.vkubelet.core.plugin.ProviderDeadline}
 * is the one time limit on those calls, for the pod controller, the node controller's ping and the
 * kubelet API alike (a bounded number in flight, abandoned past the limit).
 *
 * <p>What crosses the class loader boundary (the host's copies, which plugins must take in
 * {@code provided} scope): the provider API, the tracing facade, client-java and its models (with
 * Gson), SLF4J and PF4J. OpenCensus, its exporters and Netty stay on the host side; the build enforces
 * both in {@code providers/pom.xml}.
 *
 * <pre>
 *   PluginHost.load(dir) -- PF4J --> plugin jars
 *        |  createProvider(name, context)
 *        v
 *   ProviderHandle --(ProviderCalls proxy: TCCL swap + span + MDC + errors)--> plugin's provider
 * </pre>
 *
 * <p>Depends on PF4J, the provider API, the tracing facade and {@code metrics}; the controllers and the kubelet API depend on it for every provider call.
 */
package dev.vkubelet.core.plugin;
