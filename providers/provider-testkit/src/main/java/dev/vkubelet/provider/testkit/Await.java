package dev.vkubelet.provider.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waits for a condition, checking it every few milliseconds, and fails after a timeout. */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Returns as soon as {@code value} yields a present value; fails with {@code what} on timeout. */
    public static <T> T until(Duration timeout, String what, Supplier<Optional<T>> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> result = value.get();
                if (result.isPresent()) {
                    return result.get();
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} on timeout. */
    public static void until(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        until(timeout, what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
}
