package dev.vkubelet.provider.azure.aci;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the pipeline saw of one SDK call: attempts (retries included), the last HTTP status and
 * the 429s; and what it sends with every request of the call: the trace headers of the span the
 * call was made in (the SDK may run the request on another thread, where that span is not
 * current). Passed in the call's {@link com.azure.core.util.Context} under {@link #KEY}.
 */
public final class CallStats {

    /** The context key. */
    public static final String KEY = "vk.callStats";

    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger throttles = new AtomicInteger();
    volatile int lastStatus;
    final java.util.Map<String, String> traceHeaders = new java.util.concurrent.ConcurrentHashMap<>();

    /** Adds a header every request of the call carries (a trace context). */
    public void traceHeader(String name, String value) {
        traceHeaders.put(name, value);
    }

    public int attempts() {
        return attempts.get();
    }

    public int throttles() {
        return throttles.get();
    }

    public int lastStatus() {
        return lastStatus;
    }
}
