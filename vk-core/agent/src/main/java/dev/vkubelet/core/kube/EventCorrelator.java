package dev.vkubelet.core.kube;

import dev.vkubelet.core.limits.TokenBucket;
import dev.vkubelet.provider.Models;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what becomes of an event before it is written, as client-go's event correlator does for
 * the kubelet:
 * <ul>
 *   <li><b>spam filter</b>: each source and object (a pod) gets {@value #SPAM_BURST} events at once
 *       and one more every five minutes; beyond that events are dropped, so a crash-looping pod
 *       cannot flood the API server;</li>
 *   <li><b>aggregation</b>: once {@value #AGGREGATE_AFTER} events of the same source, object, type
 *       and reason but different messages came within ten minutes, the next ones are one event,
 *       "(combined from similar events): " and the latest message;</li>
 *   <li><b>deduplication</b>: an event equal to one already written (same source, object, type,
 *       reason and message) updates that one's count and last timestamp instead of adding another.</li>
 * </ul>
 * The last {@value #CACHE} events written are remembered. Thread-safe.
 */
final class EventCorrelator {

    static final int SPAM_BURST = 25;
    static final Duration SPAM_REFILL = Duration.ofMinutes(5);
    static final int AGGREGATE_AFTER = 10;
    static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
    static final int CACHE = 4096;
    static final String COMBINED = "(combined from similar events): ";

    /** What to do with an event. */
    sealed interface Decision {}

    /** Write it as a new event. */
    record Create(CoreV1Event event) implements Decision {}

    /** Update the event written earlier ({@link Seen}) with its new count, time and message. */
    record Update(Seen seen) implements Decision {}

    /** Drop it: its object had too many events lately. */
    record Drop() implements Decision {}

    /** An event written (or being written): its name, and what updates change. Guarded by itself. */
    static final class Seen {
        final CoreV1Event event;
        int count;
        OffsetDateTime last;
        String message;

        Seen(CoreV1Event event) {
            this.event = event;
            this.count = event.getCount() == null ? 1 : event.getCount();
            this.last = event.getLastTimestamp();
            this.message = event.getMessage();
        }

        /** The event as it should be now: the first one's name and first time, the count and the latest time and message. */
        synchronized CoreV1Event current() {
            return Models.copy(event).count(count).lastTimestamp(last).message(message);
        }
    }

    private static final class Similar {
        final Set<String> messages = new HashSet<>();
        Instant since;

        Similar(Instant now) {
            this.since = now;
        }
    }

    private final Map<String, TokenBucket> buckets = lru();
    /** The time of the event being correlated, the buckets' clock (epoch nanoseconds). */
    private long nowNanos;
    private final Map<String, Similar> similar = lru();
    private final Map<String, Seen> seen = lru();

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE;
            }
        };
    }

    synchronized Decision correlate(CoreV1Event event, Instant now) {
        String object = object(event);
        nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        TokenBucket bucket = buckets.computeIfAbsent(object,
                k -> new TokenBucket(1.0 / SPAM_REFILL.toSeconds(), SPAM_BURST, () -> nowNanos));
        if (!bucket.tryTake()) {
            return new Drop();
        }

        String aggregate = object + "|" + event.getType() + "|" + event.getReason();
        Similar group = similar.computeIfAbsent(aggregate, k -> new Similar(now));
        if (Duration.between(group.since, now).compareTo(AGGREGATE_WINDOW) > 0) {
            group.messages.clear();
            group.since = now;
        }
        group.messages.add(String.valueOf(event.getMessage()));
        String key = aggregate + "|" + event.getMessage();
        if (group.messages.size() >= AGGREGATE_AFTER) {
            key = aggregate + "|" + COMBINED;
            event.message(COMBINED + event.getMessage());
        }

        Seen before = seen.get(key);
        if (before != null) {
            synchronized (before) {
                before.count++;
                before.last = event.getLastTimestamp();
                before.message = event.getMessage();
            }
            return new Update(before);
        }
        Seen first = new Seen(event);
        seen.put(key, first);
        return new Create(event);
    }

    private static String object(CoreV1Event event) {
        V1EventSource source = Objects.requireNonNullElseGet(event.getSource(), V1EventSource::new);
        V1ObjectReference ref = Objects.requireNonNullElseGet(event.getInvolvedObject(), V1ObjectReference::new);
        return source.getComponent() + "|" + source.getHost() + "|" + ref.getKind() + "|" + ref.getNamespace() + "|"
                + ref.getName() + "|" + ref.getUid();
    }
}
