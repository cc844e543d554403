package dev.vkubelet.core.kube;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Retries a request the API server refused with 429 Too Many Requests, after the wait its
 * {@code Retry-After} header names (1 s when it names none; at most {@link #LONGEST}), at most
 * {@code retries} times; as client-go does, and client-java does not. A 429 means the request was
 * not handled (the API server's in-flight limit, or a priority level's queue, was full), so any
 * verb may be sent again; the last 429 is the answer when the retries run out.
 */
public final class TooManyRequestsRetry implements Interceptor {

    /** The longest wait before a retry, whatever the header says. */
    static final Duration LONGEST = Duration.ofSeconds(5);

    private final int retries;

    public TooManyRequestsRetry(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        }
        this.retries = retries;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        for (int attempt = 0; attempt < retries && response.code() == 429; attempt++) {
            Duration wait = retryAfter(response.header("Retry-After"));
            response.close();
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting to retry a request refused with 429");
            }
            response = chain.proceed(chain.request());
        }
        return response;
    }

    /** The wait a {@code Retry-After} header names in seconds: 1 s when absent or not a number, at most {@link #LONGEST}. */
    static Duration retryAfter(String header) {
        long seconds = 1;
        if (header != null) {
            try {
                seconds = Math.max(0, Long.parseLong(header.strip()));
            } catch (NumberFormatException e) {
                seconds = 1; // an HTTP date: the API server does not send one
            }
        }
        Duration wait = Duration.ofSeconds(seconds);
        return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
    }
}
