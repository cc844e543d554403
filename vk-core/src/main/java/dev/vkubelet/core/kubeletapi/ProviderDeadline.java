package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.tracing.Tracer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Provider calls the kubelet API makes (the running pods, stats, metrics, opening a log): each runs
 * on a thread of its own with a deadline, after which the request is answered 504 and the call is
 * interrupted and abandoned; at most {@code maxInFlight} run at once (a call holds its place until
 * it really returns, so a hung provider fills the places and further requests get 503 at once
 * instead of more threads). The provider's own errors come out as they are.
 */
final class ProviderDeadline implements AutoCloseable {

    private final Duration limit;
    private final Tracer tracer;
    private final Semaphore places;
    private final ThreadPoolExecutor calls;

    ProviderDeadline(Duration limit, int maxInFlight, Tracer tracer) {
        if (limit.isNegative() || limit.isZero() || maxInFlight < 1) {
            throw new IllegalArgumentException("a provider deadline needs a positive limit and at least one place");
        }
        this.limit = limit;
        this.tracer = tracer;
        this.places = new Semaphore(maxInFlight);
        this.calls = new ThreadPoolExecutor(0, maxInFlight, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "kubelet-api-provider-call");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code call} within the deadline. */
    <T> T call(String what, Callable<T> call) throws Refused {
        if (!places.tryAcquire()) {
            throw new Refused(503, "Service unavailable: too many provider calls are still running (" + what
                    + " not started); retry later");
        }
        Callable<T> traced = tracer.propagate(call);
        Future<T> future;
        try {
            future = calls.submit(() -> {
                try {
                    return traced.call();
                } finally {
                    places.release();
                }
            });
        } catch (RejectedExecutionException e) {
            places.release();
            throw new Refused(503, "Service unavailable: the kubelet API is shutting down");
        }
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Refused(504, "Gateway timeout: the provider did not answer " + what + " within "
                    + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Refused(503, "Service unavailable: interrupted waiting for " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("provider call " + what + " failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
