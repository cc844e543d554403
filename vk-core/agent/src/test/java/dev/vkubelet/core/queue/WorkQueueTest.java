package dev.vkubelet.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.testkit.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final WorkQueue<String> queue = new WorkQueue<>(Timer.of(scheduler),
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(80)));

    @AfterEach
    void stop() {
        queue.shutDown();
        scheduler.shutdownNow();
    }

    @Test
    void waitingKeysAreDeduplicatedAndKeepTheirOrder() throws InterruptedException {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        assertEquals(2, queue.length());
        assertEquals(Optional.of("a"), queue.take().map(WorkQueue.Taken::key));
        assertEquals(Optional.of("b"), queue.take().map(WorkQueue.Taken::key));
    }

    @Test
    void aKeyAddedWhileHeldIsProcessedAgainAfterDoneOnce() throws InterruptedException {
        queue.add("a");
        String held = queue.take().orElseThrow().key();
        queue.add("a");
        queue.add("a");
        assertEquals(0, queue.length(), "a held key must not be handed to a second worker");
        queue.done(held);
        assertEquals(1, queue.length());
        assertEquals(Optional.of("a"), queue.take().map(WorkQueue.Taken::key));
        queue.done("a");
        assertEquals(0, queue.length());
    }

    @Test
    void noKeyIsEverProcessedByTwoWorkersAtOnce() throws InterruptedException {
        int workers = 4;
        ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        CountDownLatch stopped = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            new Thread(() -> {
                try {
                    for (Optional<String> key = queue.take().map(WorkQueue.Taken::key); key.isPresent();
                            key = queue.take().map(WorkQueue.Taken::key)) {
                        if (inFlight.computeIfAbsent(key.get(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        inFlight.get(key.get()).decrementAndGet();
                        processed.incrementAndGet();
                        queue.done(key.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stopped.countDown();
                }
            }).start();
        }
        for (int i = 0; i < 20_000; i++) {
            queue.add("key-" + (i % 7));
        }
        Await.until(Duration.ofSeconds(20), "queue drained", () -> queue.length() == 0 && inFlight.values().stream()
                .allMatch(c -> c.get() == 0));
        queue.shutDown();
        assertTrue(stopped.await(10, TimeUnit.SECONDS));
        assertEquals(0, overlaps.get());
        assertTrue(processed.get() >= 7);
    }

    @Test
    void retriesBackOffExponentiallyUpToTheCapUntilForgotten() throws InterruptedException {
        assertEquals(Duration.ofMillis(10), queue.retry("a"));
        assertEquals(Duration.ofMillis(20), queue.retry("a"));
        assertEquals(Duration.ofMillis(40), queue.retry("a"));
        assertEquals(Duration.ofMillis(80), queue.retry("a"));
        assertEquals(Duration.ofMillis(80), queue.retry("a"));
        assertEquals(5, queue.failures("a"));
        queue.forget("a");
        assertEquals(0, queue.failures("a"));
        assertEquals(Optional.of("a"), queue.take().map(WorkQueue.Taken::key));
    }

    @Test
    void backoffNeverOverflows() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMinutes(5));
        assertEquals(Duration.ofMinutes(5), b.delay(1_000));
        assertEquals(Duration.ofMinutes(5), b.delay(61));
        assertEquals(Duration.ofMillis(100), b.delay(0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }

    @Test
    void shutDownWakesWorkers() throws InterruptedException {
        CountDownLatch woke = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                if (queue.take().isEmpty()) {
                    woke.countDown();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        queue.shutDown();
        assertTrue(woke.await(10, TimeUnit.SECONDS));
        queue.add("late");
        assertFalse(queue.length() > 0);
    }
}
