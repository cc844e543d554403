package dev.vkubelet.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void aFullBucketGivesItsBurstThenRefillsAtItsRate() {
        TokenBucket bucket = new TokenBucket(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertTrue(bucket.tryTake(), "token " + i + " of the burst");
        }
        assertFalse(bucket.tryTake(), "the burst is spent");
        now.addAndGet(499_000_000L);
        assertFalse(bucket.tryTake(), "not yet a whole token after 0.499 s at 2/s");
        now.addAndGet(1_000_000L);
        assertTrue(bucket.tryTake(), "one token after 0.5 s at 2/s");
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(bucket.tryTake());
        }
        assertFalse(bucket.tryTake(), "a long pause refills no more than the burst");
    }

    @Test
    void reservingBeyondTheBurstSaysHowLongToWaitInTurn() {
        TokenBucket bucket = new TokenBucket(10, 1, now::get);
        assertEquals(0, bucket.reserve());
        assertEquals(100_000_000L, bucket.reserve(), "the second waits one interval");
        assertEquals(200_000_000L, bucket.reserve(), "the third waits behind the second");
        assertFalse(bucket.tryTake(), "a bucket in debt has nothing to give");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, now::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, now::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, 1, now::get));
    }
}
