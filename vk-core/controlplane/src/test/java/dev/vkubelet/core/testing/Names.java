package dev.vkubelet.core.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique DNS-1123 names, so tests sharing one control plane never see each other's objects. */
public final class Names {

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000, 36);

    private Names() {}

    /** {@code <prefix>-<run>-<n>}. */
    public static String unique(String prefix) {
        return prefix + "-" + RUN + "-" + NEXT.incrementAndGet();
    }
}
