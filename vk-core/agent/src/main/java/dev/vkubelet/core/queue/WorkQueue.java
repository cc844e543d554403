package dev.vkubelet.core.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keys to process, each by one worker at a time.
 *
 * <ul>
 *   <li>{@link #add} queues a key unless it waits already; a key added while a worker holds it is
 *       queued again when the worker calls {@link #done}.
 *   <li>{@link #take} blocks for the next key and marks it held; {@link #done} releases it.
 *   <li>{@link #retry} re-adds a key after its backoff, which grows with each retry until
 *       {@link #forget} resets it (on success).
 * </ul>
 *
 * <p>Thread-safe. Delayed adds wait on the given {@link Timer}.
 */
public final class WorkQueue<K> {

    private final Timer timer;
    private final Backoff backoff;
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    private final Set<K> waiting = new HashSet<>();
    private final Set<K> held = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final Map<K, Long> queuedAt = new HashMap<>();
    private final Runnable onAdded;
    private boolean shutDown;

    public WorkQueue(Timer timer, Backoff backoff) {
        this(timer, backoff, () -> {});
    }

    /** A queue that calls {@code onAdded} each time a key enters it (for metrics). */
    public WorkQueue(Timer timer, Backoff backoff, Runnable onAdded) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.onAdded = Objects.requireNonNull(onAdded, "onAdded");
    }

    /** Queues {@code key} (once, however often it is added before a worker takes it). */
    public synchronized void add(K key) {
        Objects.requireNonNull(key, "key");
        if (shutDown) {
            return;
        }
        if (held.contains(key)) {
            dirty.add(key);
            return;
        }
        if (waiting.add(key)) {
            queue.addLast(key);
            queuedAt.put(key, System.nanoTime());
            onAdded.run();
            notifyAll();
        }
    }

    /** Queues {@code key} after {@code delay}. */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shutDown) {
                return;
            }
        }
        timer.schedule(() -> add(key), delay);
    }

    /** Queues {@code key} after its backoff and counts one more failure; returns the delay. */
    public Duration retry(K key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum) - 1;
        }
        Duration delay = backoff.delay(n);
        addAfter(key, delay);
        return delay;
    }

    /** Resets the backoff of {@code key}. */
    public synchronized void forget(K key) {
        failures.remove(key);
    }

    /** How many retries {@code key} has had since it was last forgotten. */
    public synchronized int failures(K key) {
        return failures.getOrDefault(key, 0);
    }

    /** A key handed to a worker, with how long it waited in the queue. */
    public record Taken<K>(K key, Duration waited) {}

    /** The next key, marked held; empty once the queue is shut down. */
    public synchronized Optional<Taken<K>> take() throws InterruptedException {
        while (queue.isEmpty() && !shutDown) {
            wait();
        }
        if (shutDown) {
            return Optional.empty();
        }
        K key = queue.removeFirst();
        waiting.remove(key);
        held.add(key);
        Long since = queuedAt.remove(key);
        return Optional.of(new Taken<>(key, since == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since)));
    }

    /** Releases {@code key}; queues it again if it was added while held. */
    public synchronized void done(K key) {
        held.remove(key);
        if (dirty.remove(key) && !shutDown && waiting.add(key)) {
            queue.addLast(key);
            queuedAt.put(key, System.nanoTime());
            onAdded.run();
            notifyAll();
        }
    }

    /** Keys waiting to be taken. */
    public synchronized int length() {
        return queue.size();
    }

    /** Wakes every worker with an empty answer; later adds are ignored. */
    public synchronized void shutDown() {
        shutDown = true;
        queue.clear();
        waiting.clear();
        queuedAt.clear();
        notifyAll();
    }
}
