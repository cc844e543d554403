package dev.vkubelet.core.queue;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Where a {@link WorkQueue}'s delayed adds wait: its owner's scheduler, which the owner starts and stops. */
@FunctionalInterface
public interface Timer {

    /** Runs {@code task} after {@code delay}; may drop it once the owner has stopped. */
    void schedule(Runnable task, Duration delay);

    /** A timer on {@code scheduler}. */
    static Timer of(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        return (task, delay) -> scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
