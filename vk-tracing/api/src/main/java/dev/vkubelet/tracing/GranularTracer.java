package dev.vkubelet.tracing;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A tracer that records spans up to a {@link Granularity} and drops finer ones. The host's tracer
 * records every span started without a detail; the one plugins get ({@link Tracer#forPlugins()})
 * treats such a span as {@link Granularity#NORMAL}, so {@code coarse} keeps only the host's spans.
 */
final class GranularTracer implements Tracer {

    private final Tracer delegate;
    private final Granularity level;
    private final Granularity plainDetail;

    GranularTracer(Tracer delegate, Granularity level) {
        this(delegate, level, null);
    }

    private GranularTracer(Tracer delegate, Granularity level, Granularity plainDetail) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.level = Objects.requireNonNull(level, "level");
        this.plainDetail = plainDetail;
    }

    @Override
    public Span startSpan(String name) {
        return plainDetail == null ? delegate.startSpan(name) : startSpan(name, plainDetail);
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
        return new GranularTracer(delegate, granularity, plainDetail);
    }

    @Override
    public Tracer forPlugins() {
        return new GranularTracer(delegate, level, Granularity.NORMAL);
    }

    @Override
    public java.util.Optional<String> currentContext() {
        return delegate.currentContext();
    }

    @Override
    public java.util.function.UnaryOperator<Runnable> continuation() {
        return delegate.continuation();
    }

    @Override
    public void inject(java.util.function.BiConsumer<String, String> header) {
        delegate.inject(header);
    }

    @Override
    public <T> Callable<T> propagate(Callable<T> task) {
        return delegate.propagate(task);
    }
}
