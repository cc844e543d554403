package dev.vkubelet.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.provider.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeLoopsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConcurrentLinkedQueue<Duration> lags = new ConcurrentLinkedQueue<>();
    private final NodeLoops loops = new NodeLoops(2, 4, new Instrumentation() {
        @Override
        public void heartbeatLag(Duration lag) {
            lags.add(lag);
        }
    });

    @AfterEach
    void close() {
        loops.close();
    }

    @Test
    void aLanesStepsRunInOrderOneAtATimeOnAPoolOfMany() {
        loops.start();
        NodeLoops.Lane lane = loops.lane("n1");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            lane.execute(() -> {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                synchronized (order) {
                    order.add(n);
                }
                inside.decrementAndGet();
            });
        }
        Await.until(WAIT, "all 2,000 steps run", () -> {
            synchronized (order) {
                return order.size() == 2_000;
            }
        });
        assertEquals(0, overlaps.get(), "two steps of one lane ran at once");
        for (int i = 0; i < 2_000; i++) {
            assertEquals(i, order.get(i), "steps ran out of order");
        }
    }

    @Test
    void aStuckLaneHoldsOneWorkerAndOtherLanesGoOn() throws Exception {
        loops.start();
        CountDownLatch release = new CountDownLatch(1);
        NodeLoops.Lane stuck = loops.lane("stuck");
        AtomicInteger behindTheStuckStep = new AtomicInteger();
        stuck.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stuck.execute(behindTheStuckStep::incrementAndGet);
        AtomicInteger others = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            loops.lane("n" + i).execute(others::incrementAndGet);
        }
        Await.until(WAIT, "the other 50 lanes' steps run", () -> others.get() == 50);
        assertEquals(0, behindTheStuckStep.get(), "a lane's second step ran before its first ended");
        release.countDown();
        Await.until(WAIT, "the stuck lane goes on once its step ends", () -> behindTheStuckStep.get() == 1);
    }

    @Test
    void heartbeatsRunWhileEveryOtherWorkerIsStuck() {
        loops.start();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger stuck = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            loops.lane("busy-" + i).execute(() -> {
                stuck.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        AtomicInteger queuedBehind = new AtomicInteger();
        loops.lane("behind").execute(queuedBehind::incrementAndGet);
        try {
            Await.until(WAIT, "all four status workers stuck", () -> stuck.get() == 4);
            AtomicInteger beats = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                loops.heartbeatLane("n" + i).execute(beats::incrementAndGet);
            }
            Await.until(WAIT, "20 heartbeats run while the other workers are stuck", () -> beats.get() == 20);
            assertEquals(0, queuedBehind.get(), "a fifth status step ran on four stuck workers");
        } finally {
            release.countDown();
        }
        Await.until(WAIT, "the status step queued behind the stuck ones", () -> queuedBehind.get() == 1);
    }

    @Test
    void aRepeatingStepIsToldHowLateItRuns() throws Exception {
        loops.start();
        NodeLoops.Lane lane = loops.heartbeatLane("n1");
        ConcurrentLinkedQueue<Duration> told = new ConcurrentLinkedQueue<>();
        // the lane's first step holds it for 300 ms, so the repeating step's first run (due at once)
        // starts at least that late, and says so
        lane.execute(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (AutoCloseable every = lane.every(Duration.ofHours(1), Duration.ZERO, late -> told.add(late.get()))) {
            Await.until(WAIT, "the first run", () -> !told.isEmpty());
        }
        assertTrue(told.peek().compareTo(Duration.ofMillis(250)) >= 0, "told it ran " + told.peek() + " late");
    }

    @Test
    void repeatingStepsKeepTheirScheduleReportTheirLagAndStopWhenCancelled() throws Exception {
        loops.start();
        AtomicInteger runs = new AtomicInteger();
        AutoCloseable every = loops.lane("n1").every(Duration.ofMillis(50), Duration.ZERO, runs::incrementAndGet);
        Await.until(WAIT, "five runs", () -> runs.get() >= 5);
        assertTrue(lags.size() >= 5, "every run reports its lag: " + lags);
        assertTrue(lags.stream().allMatch(l -> !l.isNegative()), "lags: " + lags);
        every.close();
        int stoppedAt = runs.get();
        TimeUnit.MILLISECONDS.sleep(300); // six intervals: a cancelled step must not run again
        assertTrue(runs.get() <= stoppedAt + 1, "ran " + (runs.get() - stoppedAt) + " more times after cancel");
    }

    @Test
    void firstRunsSpreadOverTheirFirstInterval() {
        loops.start();
        AtomicInteger spreadRuns = new AtomicInteger();
        AtomicInteger atOnceRuns = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            loops.lane("spread-" + i).every(Duration.ofHours(1000), Duration.ofHours(1000),
                    spreadRuns::incrementAndGet);
            loops.lane("now-" + i).every(Duration.ofHours(1), Duration.ZERO, atOnceRuns::incrementAndGet);
        }
        Await.until(WAIT, "the 100 unspread first runs", () -> atOnceRuns.get() == 100);
        // spread over 1,000 hours, the chance that one of 100 first runs falls in the first 10 s is 0.03 %
        assertEquals(0, spreadRuns.get(), "first runs meant to spread over their first interval came at once");
    }

    @Test
    void aClosedLaneAndClosedLoopsRunNothingMore() {
        loops.start();
        NodeLoops.Lane lane = loops.lane("n1");
        AtomicInteger runs = new AtomicInteger();
        lane.close();
        lane.execute(runs::incrementAndGet);
        NodeLoops.Lane other = loops.lane("n2");
        loops.close();
        other.execute(runs::incrementAndGet);
        assertEquals(0, runs.get());
    }
}
