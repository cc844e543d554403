package dev.vkubelet.tracing.exporters;

import com.google.gson.Gson;
import io.opencensus.common.Timestamp;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.Span;
import io.opencensus.trace.SpanId;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.export.SpanData;
import io.opencensus.trace.export.SpanExporter;
import io.opencensus.trace.samplers.Samplers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Writes every exported span as one JSON line: {@code traceId}, {@code spanId}, {@code parentSpanId}
 * (absent for roots), {@code name}, {@code start} and {@code end} (RFC 3339 with nanoseconds),
 * {@code durationNanos}, {@code status} ({@code code}, {@code description}), {@code attributes}
 * (name to string/number/boolean) and {@code annotations} ({@code time}, {@code description}). The
 * file feeds trace comparison across providers.
 */
public final class FileSpanExporter extends SpanExporter.Handler implements AutoCloseable {

    private static final Gson GSON = new Gson();
    /** The name of the span {@link #awaitFlush} sends through the export pipeline; never written. */
    static final String FLUSH_MARKER = "vk.exporter.flush";

    private final Map<String, CountDownLatch> flushes = new ConcurrentHashMap<>();

    private final BufferedWriter out;

    public FileSpanExporter(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void export(Collection<SpanData> spans) {
        try {
            for (SpanData span : spans) {
                if (FLUSH_MARKER.equals(span.getName())) {
                    CountDownLatch flushed = flushes.remove(span.getContext().getSpanId().toLowerBase16());
                    if (flushed != null) {
                        flushed.countDown();
                    }
                    continue;
                }
                out.write(GSON.toJson(toMap(span)));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> toMap(SpanData span) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("traceId", span.getContext().getTraceId().toLowerBase16());
        line.put("spanId", span.getContext().getSpanId().toLowerBase16());
        SpanId parent = span.getParentSpanId();
        if (parent != null && parent.isValid()) {
            line.put("parentSpanId", parent.toLowerBase16());
        }
        line.put("name", span.getName());
        line.put("start", time(span.getStartTimestamp()));
        if (span.getEndTimestamp() != null) {
            line.put("end", time(span.getEndTimestamp()));
            io.opencensus.common.Duration d = span.getEndTimestamp().subtractTimestamp(span.getStartTimestamp());
            line.put("durationNanos", d.getSeconds() * 1_000_000_000L + d.getNanos());
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("code", span.getStatus() == null ? "OK" : span.getStatus().getCanonicalCode().name());
        if (span.getStatus() != null && span.getStatus().getDescription() != null) {
            status.put("description", span.getStatus().getDescription());
        }
        line.put("status", status);
        Map<String, Object> attributes = new LinkedHashMap<>();
        span.getAttributes().getAttributeMap().forEach((k, v) -> attributes.put(k, value(v)));
        line.put("attributes", attributes);
        List<Map<String, Object>> annotations = new ArrayList<>();
        span.getAnnotations().getEvents().forEach(e -> {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("time", time(e.getTimestamp()));
            a.put("description", e.getEvent().getDescription());
            annotations.add(a);
        });
        line.put("annotations", annotations);
        return line;
    }

    private static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    private static Object value(AttributeValue v) {
        return v.match(s -> s, b -> b, l -> l, d -> d, other -> String.valueOf(other));
    }

    /**
     * Waits until every span that ended before this call has been written, or {@code timeout}
     * passes: OpenCensus hands spans to exporters in batches every few seconds, so without this the
     * last seconds of a run would be lost when the exporter is unregistered. A marker span, always
     * sampled and never written, goes through the same queue; when it arrives, everything before it
     * has. Returns whether it arrived in time.
     */
    public boolean awaitFlush(Duration timeout) throws InterruptedException {
        Span marker = Tracing.getTracer().spanBuilderWithExplicitParent(FLUSH_MARKER, null)
                .setSampler(Samplers.alwaysSample()).setRecordEvents(true).startSpan();
        CountDownLatch flushed = new CountDownLatch(1);
        String id = marker.getContext().getSpanId().toLowerBase16();
        flushes.put(id, flushed);
        marker.end();
        boolean arrived = flushed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        flushes.remove(id);
        return arrived;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
