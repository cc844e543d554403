package dev.vkubelet.tracing;

import java.util.Objects;
import java.util.concurrent.Callable;

/** A tracer that records spans up to a {@link Granularity} and drops finer ones. */
final class GranularTracer implements Tracer {

    private final Tracer delegate;
    private final Granularity level;

    GranularTracer(Tracer delegate, Granularity level) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.level = Objects.requireNonNull(level, "level");
    }

    @Override
    public Span startSpan(String name) {
        return delegate.startSpan(name);
    }

    @Override
    public Span startSpan(String name, Granularity detail) {
        return detail.compareTo(level) <= 0 ? delegate.startSpan(name) : NoopTracer.INSTANCE;
    }

    @Override
    public Span startServerSpan(String name, java.util.function.Function<String, String> header) {
        return delegate.startServerSpan(name, header);
    }

    @Override
    public Granularity granularity() {
        return level;
    }

    @Override
    public Tracer withGranularity(Granularity granularity) {
        return new GranularTracer(delegate, granularity);
    }

    @Override
    public <T> Callable<T> propagate(Callable<T> task) {
        return delegate.propagate(task);
    }
}
