package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.cache.ExpiringCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Review results (token reviews, access reviews) kept for a while, at most {@code capacity} of them,
 * the least recently used going first ({@link ExpiringCache}). Keys are SHA-256 digests of their parts, each part
 * length-prefixed, so a cached entry never holds a bearer token and two different inputs never
 * share a key by concatenation.
 */
final class ReviewCache<V> {

    private final ExpiringCache<String, V> entries;

    ReviewCache(int capacity, LongSupplier nanoTime) {
        this.entries = new ExpiringCache<>(capacity, nanoTime);
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
    Optional<V> get(String key) {
        return entries.get(key);
    }

    /** Keeps {@code value} under {@code key} for {@code ttl}. */
    void put(String key, V value, Duration ttl) {
        entries.put(key, value, ttl);
    }

    int size() {
        return entries.size();
    }
}
