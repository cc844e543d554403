package dev.vkubelet.provider.testkit;

import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tracer for provider tests: records every span when it ends, with its attributes, so a test
 * can check which spans a provider starts at a granularity (wrap it with
 * {@link Tracer#withGranularity}, or let the provider's configuration do so).
 */
public final class RecordingTracer implements Tracer {

    /**
     * A finished span.
     *
     * @param name its name
     * @param attributes its attributes (strings, longs, booleans)
     * @param status its status, or null when none was set
     */
    public record Recorded(String name, Map<String, Object> attributes, SpanStatus status) {}

    private final List<Recorded> finished = new CopyOnWriteArrayList<>();

    /** The spans ended so far, in the order they ended. */
    public List<Recorded> finished() {
        return List.copyOf(finished);
    }

    /** The names of the spans ended so far. */
    public List<String> names() {
        return finished.stream().map(Recorded::name).toList();
    }

    @Override
    public Span startSpan(String name) {
        return new RecordingSpan(name);
    }

    private final class RecordingSpan implements Span {
        private final String name;
        private final Map<String, Object> attributes = new ConcurrentHashMap<>();
        private volatile SpanStatus status;
        private volatile boolean closed;

        RecordingSpan(String name) {
            this.name = name;
        }

        @Override
        public Span attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public Span attribute(String key, long value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public Span attribute(String key, boolean value) {
            attributes.put(key, value);
            return this;
        }

        @Override
        public void annotate(String message) {
            // annotations are not recorded
        }

        @Override
        public void setStatus(SpanStatus status, String message) {
            this.status = status;
        }

        @Override
        public String traceId() {
            return "0".repeat(31) + "1";
        }

        @Override
        public String spanId() {
            return "0".repeat(15) + "1";
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                finished.add(new Recorded(name, Map.copyOf(attributes), status));
            }
        }
    }
}
