package dev.vkubelet.core.kube;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * A token bucket in front of the API server ({@code --kube-api-qps}, {@code --kube-api-burst}):
 * requests beyond the burst wait for a token. Watches count once, when they start.
 */
public final class RequestRateLimiter implements Interceptor {

    private final double qps;
    private final double burst;
    private double tokens;
    private long last;

    public RequestRateLimiter(double qps, int burst) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("qps must be > 0 and burst >= 1");
        }
        this.qps = qps;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        try {
            acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the API rate limiter");
        }
        return chain.proceed(chain.request());
    }

    /** Takes one token, waiting as long as needed. */
    void acquire() throws InterruptedException {
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
            last = now;
            tokens -= 1;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
