package dev.vkubelet.core.kubeletapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Review results (token reviews, access reviews) kept for a while, at most {@code capacity} of them,
 * the least recently used going first. Keys are SHA-256 digests of their parts, each part
 * length-prefixed, so a cached entry never holds a bearer token and two different inputs never
 * share a key by concatenation.
 */
final class ReviewCache<V> {

    private record Entry<V>(V value, long expiresAt) {}

    private final int capacity;
    private final LongSupplier nanoTime;
    private final Map<String, Entry<V>> entries;

    ReviewCache(int capacity, LongSupplier nanoTime) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
                return size() > ReviewCache.this.capacity;
            }
        };
    }

    /** The key of {@code parts}: a hex SHA-256 of each part's length and bytes in turn. */
    static String key(List<String> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = (part == null ? "\0null" : part).getBytes(StandardCharsets.UTF_8);
                digest.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The unexpired value under {@code key}, if any. */
    synchronized Optional<V> get(String key) {
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
    synchronized void put(String key, V value, Duration ttl) {
        entries.put(key, new Entry<>(value, nanoTime.getAsLong() + ttl.toNanos()));
    }

    synchronized int size() {
        return entries.size();
    }
}
