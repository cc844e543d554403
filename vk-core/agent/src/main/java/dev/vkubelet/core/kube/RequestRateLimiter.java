package dev.vkubelet.core.kube;

import dev.vkubelet.core.limits.TokenBucket;
import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * A token bucket in front of the API server ({@code --kube-api-qps}, {@code --kube-api-burst}):
 * requests beyond the burst wait for a token. Watches count once, when they start.
 */
public final class RequestRateLimiter implements Interceptor {

    private final TokenBucket bucket;

    public RequestRateLimiter(double qps, int burst) {
        this.bucket = new TokenBucket(qps, burst);
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
        bucket.take();
    }
}
