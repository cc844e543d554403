package dev.vkubelet.core.limits;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSecond} tokens a second on average, at most {@code burst} at once. The
 * host's one rate limit: API server requests wait for a token ({@link #take()}), kubelet API reviews
 * are refused without one ({@link #tryTake()}). Time comes from the given nanosecond clock, so the
 * bucket is testable without sleeping. Thread-safe.
 */
public final class TokenBucket {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    /** A full bucket. */
    public TokenBucket(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs perSecond > 0 and burst >= 1, got " + perSecond
                    + " and " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    /** A full bucket on the system's monotonic clock. */
    public TokenBucket(double perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** Takes a token if there is one; never waits. */
    public synchronized boolean tryTake() {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /**
     * Takes a token now, going into debt if there is none; returns how many nanoseconds the caller
     * must wait before acting on it (0 when a token was there). Callers that wait in turn.
     */
    public synchronized long reserve() {
        refill();
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) (-tokens / perSecond * 1e9);
    }

    /** Takes a token, waiting as long as needed. */
    public void take() throws InterruptedException {
        long waitNanos = reserve();
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
    }
}
