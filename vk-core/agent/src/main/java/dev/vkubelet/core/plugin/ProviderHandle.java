package dev.vkubelet.core.plugin;

import dev.vkubelet.provider.PodLifecycleHandler;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider the host runs, seen through {@link ProviderCalls}: every method call is traced and
 * contained. Optional capabilities are found with {@link #capability(Class)}.
 */
public final class ProviderHandle implements AutoCloseable {

    private final AvailableProvider source;
    private final PodLifecycleHandler pods;

    ProviderHandle(AvailableProvider source, PodLifecycleHandler pods) {
        this.source = Objects.requireNonNull(source, "source");
        this.pods = Objects.requireNonNull(pods, "pods");
    }

    /** Wraps a provider that was not loaded from a plugin (embedding, tests). */
    public static ProviderHandle of(AvailableProvider source, PodLifecycleHandler provider,
            dev.vkubelet.tracing.Tracer tracer) {
        return of(source, provider, tracer, dev.vkubelet.core.metrics.Instrumentation.NOOP);
    }

    /** The same, reporting every call to {@code metrics}. */
    public static ProviderHandle of(AvailableProvider source, PodLifecycleHandler provider,
            dev.vkubelet.tracing.Tracer tracer, dev.vkubelet.core.metrics.Instrumentation metrics) {
        ClassLoader loader = provider.getClass().getClassLoader();
        return new ProviderHandle(source, ProviderCalls.wrap(provider, loader, source.name(), tracer, metrics));
    }

    /** Where the provider comes from. */
    public AvailableProvider source() {
        return source;
    }

    /** The provider's name. */
    public String name() {
        return source.name();
    }

    /** The pod lifecycle. */
    public PodLifecycleHandler pods() {
        return pods;
    }

    /** The provider's implementation of an optional capability, if it has it. */
    public <T> Optional<T> capability(Class<T> type) {
        return type.isInstance(pods) ? Optional.of(type.cast(pods)) : Optional.empty();
    }

    @Override
    public void close() {
        pods.close();
    }
}
