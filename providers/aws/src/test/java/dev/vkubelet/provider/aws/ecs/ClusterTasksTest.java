package dev.vkubelet.provider.aws.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Task;

/** The listings nodes share: who joins which, and what a failure does. */
class ClusterTasksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ClusterTasks.Key KEY = new ClusterTasks.Key(Optional.empty(), "us-east-1", "c", "AK");

    private final ClusterTasks tasks = new ClusterTasks();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<Thread> waiting = new ArrayList<>();
    private final AtomicInteger listings = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        callers.shutdownNow();
        assertTrue(callers.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static Task task(String arn) {
        return Task.builder().taskArn(arn).build();
    }

    /** A listing that counts itself, blocks until {@code release} opens, and finds one task of node a. */
    private Supplier<Map<String, List<Task>>> listing(String arn, CountDownLatch started, CountDownLatch release) {
        return () -> {
            listings.incrementAndGet();
            started.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("a", List.of(task(arn)));
        };
    }

    private Future<List<Task>> ask(String node, Supplier<Map<String, List<Task>>> listing) {
        return callers.submit(() -> {
            synchronized (waiting) {
                waiting.add(Thread.currentThread());
            }
            return tasks.of(KEY, node, listing);
        });
    }

    private void awaitWaiting(int threads) {
        Await.until(WAIT, threads + " callers waiting for a listing", () -> {
            synchronized (waiting) {
                return waiting.stream().filter(t -> t.getState() == Thread.State.WAITING).count() >= threads;
            }
        });
    }

    /** A listing under way for node a, finding task {@code arn}, until {@code release} opens. */
    private record Held(Future<List<Task>> result, CountDownLatch release) {}

    private Held held(String arn) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<List<Task>> result = ask("a", listing(arn, started, release));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return new Held(result, release);
    }

    @Test
    void callersArrivingDuringAListingShareTheNextOneAndNeverTheOneUnderWay() throws Exception {
        Held first = held("first");

        CountDownLatch open = new CountDownLatch(0);
        List<Future<List<Task>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(ask(i == 4 ? "b" : "a", listing("second", new CountDownLatch(1), open)));
        }
        awaitWaiting(5);
        assertEquals(1, listings.get(), "a caller joined the listing under way or started its own");
        first.release().countDown();

        assertEquals("first", first.result().get(10, TimeUnit.SECONDS).get(0).taskArn());
        for (int i = 0; i < 4; i++) {
            assertEquals("second", later.get(i).get(10, TimeUnit.SECONDS).get(0).taskArn());
        }
        assertEquals(List.of(), later.get(4).get(10, TimeUnit.SECONDS), "node b has no tasks");
        assertEquals(2, listings.get(), "the five callers that came during the first listing shared one");

        assertEquals("third", tasks.of(KEY, "a", listing("third", new CountDownLatch(1), open)).get(0).taskArn());
        assertEquals(3, listings.get(), "a caller after the listings ended lists anew");
    }

    @Test
    void aFailedListingFailsEveryCallerThatJoinedItAndTheNextCallerListsAgain() throws Exception {
        Held first = held("first");
        IllegalStateException throttled = new IllegalStateException("throttled");
        Supplier<Map<String, List<Task>>> failing = () -> {
            listings.incrementAndGet();
            throw throttled;
        };
        Future<List<Task>> second = ask("a", failing);
        Future<List<Task>> third = ask("a", failing);
        awaitWaiting(2);
        first.release().countDown();
        assertEquals("first", first.result().get(10, TimeUnit.SECONDS).get(0).taskArn());
        for (Future<List<Task>> f : List.of(second, third)) {
            Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertSame(throttled, e.getCause());
        }
        assertEquals(2, listings.get());
        assertEquals("again", tasks.of(KEY, "a", listing("again", new CountDownLatch(1), new CountDownLatch(0)))
                .get(0).taskArn());
    }

    @Test
    void clustersReachedDifferentlyDoNotShareListings() throws Exception {
        Held first = held("first");
        ClusterTasks.Key otherKeyId = new ClusterTasks.Key(Optional.empty(), "us-east-1", "c", "AK2");
        assertEquals("other", tasks.of(otherKeyId, "a", listing("other", new CountDownLatch(1), new CountDownLatch(0)))
                .get(0).taskArn(), "a listing of the same cluster under other credentials waited or was shared");
        first.release().countDown();
        assertEquals("first", first.result().get(10, TimeUnit.SECONDS).get(0).taskArn());
    }
}
