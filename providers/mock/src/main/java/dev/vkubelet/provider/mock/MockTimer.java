package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.cloudkit.DaemonThreads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The delayed steps of one mock provider instance (pods turning Running), on one timer thread that
 * every instance of the plugin shares: a process serving a thousand mock nodes has one such thread,
 * not a thousand. The thread starts with the first instance and stops with the last; closing an
 * instance cancels what it still had pending.
 */
final class MockTimer implements AutoCloseable {

    private static ScheduledExecutorService shared;
    private static int users;

    private final ScheduledExecutorService timer;
    private final Set<ScheduledFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private boolean closed;

    MockTimer() {
        synchronized (MockTimer.class) {
            if (shared == null) {
                shared = Executors.newSingleThreadScheduledExecutor(
                        DaemonThreads.factory("mock-provider-timer", MockTimer.class));
            }
            users++;
            timer = shared;
        }
    }

    /** Runs {@code step} after {@code millis}, unless this instance is closed first. */
    synchronized void after(long millis, Runnable step) {
        if (closed) {
            return;
        }
        pending.removeIf(ScheduledFuture::isDone);
        pending.add(timer.schedule(step, millis, TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        pending.forEach(f -> f.cancel(false));
        pending.clear();
        synchronized (MockTimer.class) {
            if (--users == 0) {
                shared.shutdownNow();
                shared = null;
            }
        }
    }
}
