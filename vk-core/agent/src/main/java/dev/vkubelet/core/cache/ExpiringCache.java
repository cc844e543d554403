package dev.vkubelet.core.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Values kept for a time each, at most {@code capacity} of them: the least recently used goes first
 * when a new one would exceed it, an expired one when it is next asked for. Thread-safe.
 */
public final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long expiresAt) {}

    private final LongSupplier nanoTime;
    private final Map<K, Entry<V>> entries;

    /** @param nanoTime the clock, {@code System::nanoTime} outside tests */
    public ExpiringCache(int capacity, LongSupplier nanoTime) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The unexpired value under {@code key}, if any. */
    public synchronized Optional<V> get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.expiresAt() - nanoTime.getAsLong() <= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Keeps {@code value} under {@code key} for {@code ttl}. */
    public synchronized void put(K key, V value, Duration ttl) {
        entries.put(key, new Entry<>(value, nanoTime.getAsLong() + ttl.toNanos()));
    }

    /** How many entries are held (expired ones included until asked for). */
    public synchronized int size() {
        return entries.size();
    }
}
