package dev.vkubelet.core.traces;

import java.time.Instant;
import java.util.Map;

/**
 * One span as the {@code file} exporter writes it.
 *
 * @param traceId the trace
 * @param spanId the span
 * @param parentSpanId the parent, or null for a root
 * @param name the span's name
 * @param start when it started
 * @param durationNanos how long it took
 * @param status the status code ({@code OK}, {@code UNKNOWN}, ...)
 * @param attributes its attributes (strings, numbers, booleans)
 */
public record SpanLine(String traceId, String spanId, String parentSpanId, String name, Instant start,
        long durationNanos, String status, Map<String, Object> attributes) {

    /** When it ended. */
    public Instant end() {
        return start.plusNanos(durationNanos);
    }

    /** A string attribute, or null. */
    public String text(String key) {
        Object v = attributes.get(key);
        return v == null ? null : String.valueOf(v);
    }

    /** A numeric attribute, or 0. */
    public long number(String key) {
        Object v = attributes.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }
}
