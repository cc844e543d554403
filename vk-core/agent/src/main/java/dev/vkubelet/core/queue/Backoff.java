package dev.vkubelet.core.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff: the n-th retry (from 0) waits {@code base * 2^n}, at most
 * {@code cap}. It never gives up: a key is retried for as long as it is added.
 */
public record Backoff(Duration base, Duration cap) {

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got " + base + ", " + cap);
        }
    }

    /** The delay before retry number {@code failures} (0 for the first retry). */
    public Duration delay(int failures) {
        if (failures >= 62) {
            return cap;
        }
        long nanos = base.toNanos();
        long scaled = nanos << Math.min(failures, 62);
        if (scaled <= 0 || scaled / (1L << Math.min(failures, 62)) != nanos) {
            return cap;
        }
        Duration d = Duration.ofNanos(scaled);
        return d.compareTo(cap) > 0 ? cap : d;
    }
}
