package dev.vkubelet.provider.cloudkit;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Listings of a backend that the nodes of a process share when they start together: a cloud that
 * cannot list a node's resources alone (ECS tasks, ACI container groups are tagged, not filed, by
 * node) makes every node that starts list everything to adopt its own, and a replica taking over a
 * hundred nodes would list the same thing a hundred times.
 *
 * <p>A caller joins the next listing of its key that begins after it asked, never one already under
 * way (that one may have passed a resource created just before the caller asked): callers arriving
 * together share one or two listings. A listing is made by one of the callers that joined it, on its
 * own thread; its result is handed to them and then dropped (nothing is cached); a failed listing
 * fails every caller that joined it.
 *
 * @param <K> what may share a listing (the same account, place and identity)
 * @param <V> a listing's result
 */
public final class JoinedListings<K, V> {

    private final ConcurrentMap<K, Listings<V>> byKey = new ConcurrentHashMap<>();

    /** The result of a listing of {@code key} that began after this call; {@code listing} makes it if this caller does. */
    public V next(K key, Supplier<V> listing) {
        Objects.requireNonNull(listing, "listing");
        return byKey.computeIfAbsent(key, k -> new Listings<>()).next(listing);
    }

    /** The listings of one key: at most one under way, and the next one that callers join. */
    private static final class Listings<V> {
        /** One listing and the callers that joined it; guarded by the {@code Listings}. */
        private static final class Round<V> {
            boolean done;
            V value;
            Throwable failure; // a RuntimeException or an Error

            V result() {
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
                return value;
            }
        }

        private Round<V> pending;
        private boolean running;

        /** Joins the next listing; the first of its callers to find none under way makes it. */
        V next(Supplier<V> listing) {
            Round<V> mine;
            synchronized (this) {
                if (pending == null) {
                    pending = new Round<>();
                }
                mine = pending;
                boolean interrupted = false;
                while (!mine.done && running) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // a node's start is not abandoned halfway; the flag is kept
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (mine.done) {
                    return mine.result();
                }
                pending = null; // this caller lists for its round; later callers join the next one
                running = true;
            }
            V value = null;
            Throwable failure = null;
            try {
                value = listing.get();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            synchronized (this) {
                mine.value = value;
                mine.failure = failure;
                mine.done = true;
                running = false;
                notifyAll();
                return mine.result();
            }
        }
    }
}
