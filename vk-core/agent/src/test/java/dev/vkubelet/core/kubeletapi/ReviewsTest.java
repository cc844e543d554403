package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The review cache, the review budget and the checks each path needs. */
class ReviewsTest {

    @Test
    void cacheKeysAreDigestsThatConcatenationCannotCollide() {
        String a = ReviewCache.key(List.of("alice", "system:masters"));
        assertEquals(64, a.length());
        assertNotEquals(a, ReviewCache.key(List.of("alices", "ystem:masters")));
        assertNotEquals(a, ReviewCache.key(List.of("alice|system:masters")));
        assertNotEquals(ReviewCache.key(List.of("a", "")), ReviewCache.key(List.of("", "a")));
        assertTrue(!a.contains("alice"), "a key holds its input");
    }

    @Test
    void cacheForgetsExpiredAndLeastRecentlyUsedEntries() {
        AtomicLong now = new AtomicLong();
        ReviewCache<String> cache = new ReviewCache<>(2, now::get);
        cache.put("a", "A", Duration.ofSeconds(10));
        cache.put("b", "B", Duration.ofSeconds(1));
        assertEquals(Optional.of("A"), cache.get("a"));
        cache.put("c", "C", Duration.ofSeconds(10)); // b was used least recently
        assertEquals(Optional.empty(), cache.get("b"));
        assertEquals(2, cache.size());
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(Optional.empty(), cache.get("a"));
        assertEquals(Optional.empty(), cache.get("c"));
    }

    @Test
    void budgetRefusesBeyondTheBurstUntilTokensRefillAndBeyondTheReviewsInFlight() throws Exception {
        AtomicLong now = new AtomicLong();
        ReviewBudget budget = new ReviewBudget(2, 10, 3, now::get);
        AutoCloseable first = budget.take("review");
        AutoCloseable second = budget.take("review");
        Refused busy = assertThrows(Refused.class, () -> budget.take("review"));
        assertEquals(429, busy.status);
        assertTrue(busy.getMessage().contains("in flight"), busy.getMessage());
        first.close();
        second.close();
        Refused spent = assertThrows(Refused.class, () -> budget.take("review")); // the burst of 3 is used
        assertTrue(spent.getMessage().contains("budget is spent"), spent.getMessage());
        now.addAndGet(Duration.ofMillis(100).toNanos()); // 10 a second: one more
        budget.take("review").close();
        assertThrows(Refused.class, () -> budget.take("review"));
    }

    @Test
    void streamingEndpointsNeedCreateWhateverTheMethodAndPodsFallBackToProxy() {
        assertEquals(List.of(new Authorizer.Check("create", "proxy")), Authorizer.checks("GET", "/exec/ns/p/c"));
        assertEquals(List.of(new Authorizer.Check("create", "proxy")), Authorizer.checks("GET", "/attach/ns/p/c"));
        assertEquals(List.of(new Authorizer.Check("create", "proxy")), Authorizer.checks("POST", "/portForward/ns/p"));
        assertEquals(List.of(new Authorizer.Check("get", "pods"), new Authorizer.Check("get", "proxy")),
                Authorizer.checks("GET", "/pods"));
        assertEquals(List.of(new Authorizer.Check("get", "proxy")), Authorizer.checks("GET", "/runningpods/"));
        assertEquals(List.of(new Authorizer.Check("get", "stats")), Authorizer.checks("GET", "/stats/summary"));
        assertEquals(List.of(new Authorizer.Check("get", "metrics")), Authorizer.checks("GET", "/metrics/resource"));
        assertEquals(List.of(new Authorizer.Check("get", "proxy")), Authorizer.checks("GET", "/containerLogs/a/b/c"));
        assertEquals(List.of(new Authorizer.Check("get", "proxy")), Authorizer.checks("GET", "/statsfoo"));
        assertEquals(List.of(new Authorizer.Check("delete", "proxy")), Authorizer.checks("DELETE", "/podsx"));
    }
}
