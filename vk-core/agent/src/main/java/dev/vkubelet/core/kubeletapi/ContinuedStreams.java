package dev.vkubelet.core.kubeletapi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The stream threads, for one request: every task given to it runs as a child of the request's
 * span (the continuation taken while the request was served), however much later a stream session
 * hands it over. Only runs tasks: the shared threads are shut down by the server, not through this.
 */
final class ContinuedStreams extends AbstractExecutorService {

    private final ExecutorService threads;
    private final UnaryOperator<Runnable> continuation;

    ContinuedStreams(ExecutorService threads, UnaryOperator<Runnable> continuation) {
        this.threads = Objects.requireNonNull(threads, "threads");
        this.continuation = Objects.requireNonNull(continuation, "continuation");
    }

    @Override
    public void execute(Runnable task) {
        threads.execute(continuation.apply(task));
    }

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("the stream threads are shut down by the kubelet API server");
    }

    @Override
    public List<Runnable> shutdownNow() {
        throw new UnsupportedOperationException("the stream threads are shut down by the kubelet API server");
    }

    @Override
    public boolean isShutdown() {
        return threads.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return threads.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }
}
