package dev.vkubelet.provider.azure.aci;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the pipeline saw of one SDK call: attempts (retries included), the last HTTP status and
 * the 429s. Passed in the call's {@link com.azure.core.util.Context} under {@link #KEY}.
 */
public final class CallStats {

    /** The context key. */
    public static final String KEY = "vk.callStats";

    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger throttles = new AtomicInteger();
    volatile int lastStatus;

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
