package dev.vkubelet.core.pod;

import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.RetriableException;
import dev.vkubelet.tracing.Tracer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs provider calls with a time limit, so one hanging pod never holds a worker: a call that does
 * not return in time is interrupted and reported as a {@link RetriableException}.
 */
final class ProviderTimeouts implements AutoCloseable {

    private final Duration limit;
    private final Tracer tracer;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "provider-call");
        t.setDaemon(true);
        return t;
    });

    ProviderTimeouts(Duration limit, Tracer tracer) {
        this.limit = limit;
        this.tracer = tracer;
    }

    /** Runs {@code call}; a provider's own error comes out as it is. */
    <T> T call(String what, Callable<T> call) {
        Future<T> future = calls.submit(tracer.propagate(call));
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RetriableException("provider call " + what + " timed out after " + limit.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted waiting for provider call " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ProviderException("provider call " + what + " failed: " + cause, cause);
        }
    }

    /** The same for calls without a result. */
    void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
