package dev.vkubelet.core.pod;

import java.time.Duration;
import java.util.Objects;

/** What a sync step asks of the queue: nothing more, a retry with backoff, or another look later. */
record Outcome(Kind kind, Duration delay) {

    enum Kind { DONE, RETRY, LATER }

    Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
    }

    static Outcome done() {
        return new Outcome(Kind.DONE, Duration.ZERO);
    }

    static Outcome retry() {
        return new Outcome(Kind.RETRY, Duration.ZERO);
    }

    static Outcome later(Duration delay) {
        return new Outcome(Kind.LATER, delay);
    }
}
