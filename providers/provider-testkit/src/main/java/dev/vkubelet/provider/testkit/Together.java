package dev.vkubelet.provider.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Runs one call per key on threads of their own, released at the same moment: nodes that start together. */
public final class Together {

    private Together() {}

    /**
     * The results of {@code call} for each key, by key; fails with the first call's failure, or
     * when a call takes longer than {@code timeout}.
     */
    public static <T> Map<String, T> run(Collection<String> keys, Function<String, T> call, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, keys.size()));
        try {
            CountDownLatch go = new CountDownLatch(1);
            Map<String, Future<T>> running = new TreeMap<>();
            for (String key : keys) {
                running.put(key, threads.submit(() -> {
                    go.await();
                    return call.apply(key);
                }));
            }
            go.countDown();
            Map<String, T> results = new TreeMap<>();
            for (Map.Entry<String, Future<T>> e : running.entrySet()) {
                results.put(e.getKey(), e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
