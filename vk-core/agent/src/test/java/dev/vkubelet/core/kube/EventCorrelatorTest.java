package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {

    private static final Instant T0 = Instant.parse("2026-12-03T00:00:00Z");
    private int names;

    private CoreV1Event event(String pod, String reason, String message, Instant at) {
        OffsetDateTime time = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        return new CoreV1Event().metadata(new V1ObjectMeta().namespace("ns").name(pod + "." + names++))
                .involvedObject(new V1ObjectReference().kind("Pod").namespace("ns").name(pod).uid("uid-" + pod))
                .source(new V1EventSource().component("vk/pod-controller").host("vk"))
                .type("Warning").reason(reason).message(message).firstTimestamp(time).lastTimestamp(time).count(1);
    }

    @Test
    void aRepeatedEventUpdatesTheFirstOnesCountAndLastTime() {
        EventCorrelator correlator = new EventCorrelator();
        CoreV1Event first = event("web", "BackOff", "restarting", T0);
        EventCorrelator.Create created = assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(first, T0));
        assertSame(first, created.event());
        EventCorrelator.Update again = assertInstanceOf(EventCorrelator.Update.class,
                correlator.correlate(event("web", "BackOff", "restarting", T0.plusSeconds(10)), T0.plusSeconds(10)));
        assertInstanceOf(EventCorrelator.Update.class,
                correlator.correlate(event("web", "BackOff", "restarting", T0.plusSeconds(20)), T0.plusSeconds(20)));
        CoreV1Event now = again.seen().current();
        assertEquals(first.getMetadata().getName(), now.getMetadata().getName(), "the first event is updated");
        assertEquals(3, now.getCount());
        assertEquals(T0, now.getFirstTimestamp().toInstant());
        assertEquals(T0.plusSeconds(20), now.getLastTimestamp().toInstant());
        assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(event("web", "BackOff", "other message",
                T0.plusSeconds(30)), T0.plusSeconds(30)), "another message is another event");
        assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(event("db", "BackOff", "restarting",
                T0.plusSeconds(30)), T0.plusSeconds(30)), "another pod's event is its own");
    }

    @Test
    void similarEventsWithDifferentMessagesAreCombinedAfterTen() {
        EventCorrelator correlator = new EventCorrelator();
        for (int i = 0; i < EventCorrelator.AGGREGATE_AFTER - 1; i++) {
            assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(
                    event("web", "Failed", "attempt " + i, T0.plusSeconds(i)), T0.plusSeconds(i)));
        }
        CoreV1Event tenth = event("web", "Failed", "attempt 9", T0.plusSeconds(9));
        EventCorrelator.Create combined = assertInstanceOf(EventCorrelator.Create.class,
                correlator.correlate(tenth, T0.plusSeconds(9)));
        assertEquals("(combined from similar events): attempt 9", combined.event().getMessage());
        EventCorrelator.Update next = assertInstanceOf(EventCorrelator.Update.class, correlator.correlate(
                event("web", "Failed", "attempt 10", T0.plusSeconds(10)), T0.plusSeconds(10)));
        assertEquals("(combined from similar events): attempt 10", next.seen().current().getMessage());
        assertEquals(2, next.seen().current().getCount());
        // ten minutes later the window starts again
        Instant later = T0.plus(EventCorrelator.AGGREGATE_WINDOW).plusSeconds(60);
        CoreV1Event fresh = event("web", "Failed", "attempt 11", later);
        assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(fresh, later));
        assertEquals("attempt 11", fresh.getMessage());
    }

    @Test
    void aPodGetsTwentyFiveEventsAtOnceAndOneMoreEveryFiveMinutes() {
        EventCorrelator correlator = new EventCorrelator();
        for (int i = 0; i < EventCorrelator.SPAM_BURST; i++) {
            assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(
                    event("loop", "Reason" + i, "m", T0), T0), "event " + i);
        }
        assertInstanceOf(EventCorrelator.Drop.class, correlator.correlate(event("loop", "More", "m", T0), T0));
        assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(event("calm", "Started", "m", T0), T0),
                "another pod is not held back");
        Instant refilled = T0.plus(EventCorrelator.SPAM_REFILL);
        assertInstanceOf(EventCorrelator.Create.class, correlator.correlate(event("loop", "More", "m", refilled),
                refilled), "one more after five minutes");
        assertInstanceOf(EventCorrelator.Drop.class, correlator.correlate(event("loop", "Again", "m", refilled),
                refilled.plus(Duration.ofSeconds(1))));
    }
}
