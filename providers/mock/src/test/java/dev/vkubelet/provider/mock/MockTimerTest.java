package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MockTimerTest {

    private static long timerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("mock-provider-timer")).count();
    }

    @Test
    void instancesShareOneThreadAndAClosedOnesStepsDoNotRun() throws Exception {
        AtomicInteger ranForClosed = new AtomicInteger();
        CountDownLatch ranForOpen = new CountDownLatch(1);
        try (MockTimer first = new MockTimer()) {
            MockTimer second = new MockTimer();
            CountDownLatch started = new CountDownLatch(2);
            first.after(0, started::countDown);
            second.after(0, started::countDown);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertEquals(1, timerThreads(), "two instances, one timer thread");
            second.after(200, ranForClosed::incrementAndGet);
            second.close();
            first.after(400, ranForOpen::countDown);
            assertTrue(ranForOpen.await(10, TimeUnit.SECONDS));
            assertEquals(0, ranForClosed.get(), "a closed instance's pending step ran");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (timerThreads() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, timerThreads(), "the timer thread outlived the last instance");
    }
}
