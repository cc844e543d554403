package dev.vkubelet.core.traces;

import java.util.Arrays;
import java.util.Collection;

/**
 * A latency distribution: count and nearest-rank percentiles, in nanoseconds.
 *
 * @param count how many values
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the largest
 * @param mean the mean
 */
public record Stats(int count, long p50, long p90, long p99, long max, long mean) {

    /** The distribution of {@code values} (all zeros when empty). */
    public static Stats of(Collection<Long> values) {
        if (values.isEmpty()) {
            return new Stats(0, 0, 0, 0, 0, 0);
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        long sum = Arrays.stream(sorted).sum();
        return new Stats(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                sorted[sorted.length - 1], sum / sorted.length);
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p} % of values at or below it. */
    static long rank(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
