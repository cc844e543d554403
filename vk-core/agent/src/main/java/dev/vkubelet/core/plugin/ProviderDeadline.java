package dev.vkubelet.core.plugin;

import dev.vkubelet.core.threads.DaemonThreads;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.RetriableException;
import dev.vkubelet.tracing.Tracer;
import java.time.Duration;
import java.util.Objects;
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
 * The host's time limit on calls into a provider, one policy for the pod controller
 * ({@code --provider-timeout}), the node controller's ping and the kubelet API
 * ({@code --runtime-request-timeout}): each call runs on a thread of its own, in the caller's
 * trace context; when the limit passes the call is interrupted and abandoned and the caller gets
 * {@link Exceeded}. At most {@code maxInFlight} calls run at once, and a call holds its place until
 * it really returns, so a provider that hangs fills the places and later calls get {@link Busy} at
 * once instead of more threads. The provider's own errors come out as they are.
 */
public final class ProviderDeadline implements AutoCloseable {

    /** The provider did not answer in time. */
    public static final class Exceeded extends RetriableException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    /** Too many calls are still running: this one was not started. */
    public static final class Busy extends RetriableException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }

    private final Duration limit;
    private final Tracer tracer;
    private final Semaphore places;
    private final ThreadPoolExecutor calls;

    /**
     * @param limit how long a call may take
     * @param maxInFlight how many calls may run at once ({@link Integer#MAX_VALUE}: no limit)
     * @param threadName the name of the calls' threads
     */
    public ProviderDeadline(Duration limit, int maxInFlight, String threadName, Tracer tracer) {
        if (limit.isNegative() || limit.isZero() || maxInFlight < 1) {
            throw new IllegalArgumentException("a provider deadline needs a positive limit and at least one place");
        }
        this.limit = limit;
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.places = new Semaphore(maxInFlight);
        this.calls = new ThreadPoolExecutor(0, maxInFlight, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.named(threadName));
    }

    /** The limit. */
    public Duration limit() {
        return limit;
    }

    /** Runs {@code call} within the limit. */
    public <T> T call(String what, Callable<T> call) {
        if (!places.tryAcquire()) {
            throw new Busy("too many provider calls are still running: " + what + " was not started");
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
            throw new Busy("provider calls are shut down: " + what + " was not started");
        }
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Exceeded("provider call " + what + " timed out after " + describe(limit));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted waiting for provider call " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new ProviderException("provider call " + what + " failed: " + cause, cause);
        }
    }

    /** The same for calls without a result. */
    public void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /** {@code 2 s}, or {@code 1500 ms} when not whole seconds. */
    static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** Interrupts the calls still running. Idempotent. */
    @Override
    public void close() {
        calls.shutdownNow();
    }
}
