package dev.vkubelet.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OccasionalReportTest {

    @Test
    void reportsTheFirstAtOnceThenAtMostOnceAnIntervalWithTheCountSince() {
        AtomicLong now = new AtomicLong();
        OccasionalReport report = new OccasionalReport(Duration.ofMinutes(1), now::get);
        assertEquals(1, report.count(), "the first is reported at once");
        for (int i = 0; i < 5; i++) {
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            assertEquals(0, report.count(), "within the minute");
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(6, report.count(), "a minute later: the five held back and this one");
        assertEquals(0, report.count());
    }
}
