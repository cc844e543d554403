package dev.vkubelet.core.kubeletapi;

import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * What the kubelet API may spend on token and access reviews: at most {@code inFlight} at once and
 * {@code perSecond} a second on average (bursts up to {@code burst}). A review beyond either limit
 * is refused at once (429) rather than queued, so a flood of bogus credentials costs the API server
 * a bounded number of reviews and never delays the node's own requests, which use another client.
 */
final class ReviewBudget {

    private final Semaphore inFlight;
    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    ReviewBudget(int inFlight, double perSecond, int burst, LongSupplier nanoTime) {
        if (inFlight < 1 || perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("review budget needs inFlight >= 1, perSecond > 0, burst >= 1");
        }
        this.inFlight = new Semaphore(inFlight);
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    /** A permit for one review, to be closed when the review is done. */
    AutoCloseable take(String what) throws Refused {
        if (!takeToken()) {
            throw new Refused(429, "Too many requests: the kubelet API's " + what + " budget is spent; retry later");
        }
        if (!inFlight.tryAcquire()) {
            throw new Refused(429, "Too many requests: too many " + what + "s in flight; retry later");
        }
        return inFlight::release;
    }

    private synchronized boolean takeToken() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
