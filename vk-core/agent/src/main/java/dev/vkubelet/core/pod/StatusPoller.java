package dev.vkubelet.core.pod;

import dev.vkubelet.core.ports.PodIndex;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The adapter for providers that do not push status: every poll interval, each pod of the node is
 * queued for a status check.
 */
final class StatusPoller implements AutoCloseable {

    private final ScheduledFuture<?> task;

    StatusPoller(ScheduledExecutorService scheduler, Duration interval, PodIndex index, Consumer<PodKey> check) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(check, "check");
        long millis = interval.toMillis();
        this.task = scheduler.scheduleWithFixedDelay(() -> index.list().forEach(p -> check.accept(PodKey.of(p))),
                millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
