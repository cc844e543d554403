package dev.vkubelet.provider.cloudkit;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long one state transition takes: uniformly distributed between {@code min} and {@code max}.
 *
 * @param min the shortest
 * @param max the longest, not shorter than {@code min}
 */
public record Latency(Duration min, Duration max) {

    public Latency {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("latency needs 0 <= min <= max, got " + min + ".." + max);
        }
    }

    /** Between {@code minMillis} and {@code maxMillis} milliseconds. */
    public static Latency millis(long minMillis, long maxMillis) {
        return new Latency(Duration.ofMillis(minMillis), Duration.ofMillis(maxMillis));
    }

    /** One draw, in milliseconds, multiplied by {@code scale}. */
    public long sampleMillis(RandomGenerator random, double scale) {
        long lo = min.toMillis();
        long hi = max.toMillis();
        long drawn = hi == lo ? lo : lo + random.nextLong(hi - lo + 1);
        return Math.round(drawn * scale);
    }
}
