package dev.vkubelet.core.pod;

import dev.vkubelet.core.ports.PodIndex;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The adapter for providers that do not push status: every poll interval, each pod of a node whose
 * provider does not push is queued for a status check.
 */
final class StatusPoller implements AutoCloseable {

    private final ScheduledFuture<?> task;

    StatusPoller(ScheduledExecutorService scheduler, Duration interval, PodIndex index, Predicate<V1Pod> polled,
            Consumer<PodKey> check) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(polled, "polled");
        Objects.requireNonNull(check, "check");
        long millis = interval.toMillis();
        this.task = scheduler.scheduleWithFixedDelay(() -> index.list().stream().filter(polled)
                .forEach(p -> check.accept(PodKey.of(p))), millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
