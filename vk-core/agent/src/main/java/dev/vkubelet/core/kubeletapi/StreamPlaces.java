package dev.vkubelet.core.kubeletapi;

import java.util.concurrent.Semaphore;

/**
 * How many forwarded-port streams one session may have open ({@link #perSession()}) and all
 * sessions together: each holds a place (and a thread) until it ends.
 */
final class StreamPlaces {

    private final int perSession;
    private final Semaphore total;

    StreamPlaces(int perSession, int total) {
        if (perSession < 1 || total < 1) {
            throw new IllegalArgumentException("stream limits must be at least 1");
        }
        this.perSession = perSession;
        this.total = new Semaphore(total);
    }

    int perSession() {
        return perSession;
    }

    /** Takes a place if one is free. */
    boolean take() {
        return total.tryAcquire();
    }

    void release() {
        total.release();
    }
}
