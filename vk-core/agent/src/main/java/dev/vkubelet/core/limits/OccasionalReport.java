package dev.vkubelet.core.limits;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts occurrences of something worth a warning and says when to report them: at most once an
 * interval, with how many there were since the last report, so a flood of them is one log line a
 * minute, not one each. Thread-safe.
 */
public final class OccasionalReport {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(Long.MIN_VALUE);

    public OccasionalReport(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Counts one occurrence; returns how many to report now (this one included) when a report is
     * due, or 0 when the last report was less than an interval ago.
     */
    public long count() {
        long count = unreported.incrementAndGet();
        long now = nanoTime.getAsLong();
        long last = lastReport.get();
        boolean due = last == Long.MIN_VALUE || now - last >= intervalNanos;
        if (due && lastReport.compareAndSet(last, now)) {
            unreported.addAndGet(-count);
            return count;
        }
        return 0;
    }
}
