package dev.vkubelet.provider.cloudkit;

/**
 * The request rate limit of one API group, as AWS applies it: a bucket of {@code burst} tokens
 * refilled at {@code rate} per second; a request without a token is throttled.
 */
public final class TokenBucket {

    private final double rate;
    private final double burst;
    private double tokens;
    private long last;

    public TokenBucket(double rate, double burst) {
        if (rate <= 0 || burst < 1) {
            throw new IllegalArgumentException("token bucket needs rate > 0 and burst >= 1");
        }
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** Takes a token if there is one. */
    public synchronized boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
