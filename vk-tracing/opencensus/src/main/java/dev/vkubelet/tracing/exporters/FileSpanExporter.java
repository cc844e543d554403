package dev.vkubelet.tracing.exporters;

import com.google.gson.stream.JsonWriter;
import io.opencensus.common.Timestamp;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.SpanId;
import io.opencensus.trace.export.SpanData;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes every exported span as one JSON line: {@code traceId}, {@code spanId}, {@code parentSpanId}
 * (absent for roots), {@code name}, {@code start} and {@code end} (RFC 3339 with nanoseconds),
 * {@code durationNanos}, {@code status} ({@code code}, {@code description}), {@code attributes}
 * (name to string/number/boolean), {@code links} ({@code traceId}, {@code spanId}; only when the
 * span has some) and {@code annotations} ({@code time}, {@code description}). The
 * file feeds trace comparison across providers.
 */
public final class FileSpanExporter extends FlushingExporter {

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
    synchronized void exportBatch(List<SpanData> spans) {
        try {
            for (SpanData span : spans) {
                write(span);
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One span as a JSON line, written straight into the file (no intermediate map or string). */
    private void write(SpanData span) throws IOException {
        JsonWriter json = new JsonWriter(new NonClosing(out));
        json.beginObject();
        json.name("traceId").value(span.getContext().getTraceId().toLowerBase16());
        json.name("spanId").value(span.getContext().getSpanId().toLowerBase16());
        SpanId parent = span.getParentSpanId();
        if (parent != null && parent.isValid()) {
            json.name("parentSpanId").value(parent.toLowerBase16());
        }
        json.name("name").value(span.getName());
        json.name("start").value(time(span.getStartTimestamp()));
        if (span.getEndTimestamp() != null) {
            json.name("end").value(time(span.getEndTimestamp()));
            io.opencensus.common.Duration d = span.getEndTimestamp().subtractTimestamp(span.getStartTimestamp());
            json.name("durationNanos").value(d.getSeconds() * 1_000_000_000L + d.getNanos());
        }
        json.name("status").beginObject();
        json.name("code").value(span.getStatus() == null ? "OK" : span.getStatus().getCanonicalCode().name());
        if (span.getStatus() != null && span.getStatus().getDescription() != null) {
            json.name("description").value(span.getStatus().getDescription());
        }
        json.endObject();
        json.name("attributes").beginObject();
        for (Map.Entry<String, AttributeValue> a : span.getAttributes().getAttributeMap().entrySet()) {
            json.name(a.getKey());
            value(json, a.getValue());
        }
        json.endObject();
        if (!span.getLinks().getLinks().isEmpty()) {
            json.name("links").beginArray();
            for (io.opencensus.trace.Link link : span.getLinks().getLinks()) {
                json.beginObject().name("traceId").value(link.getTraceId().toLowerBase16())
                        .name("spanId").value(link.getSpanId().toLowerBase16()).endObject();
            }
            json.endArray();
        }
        json.name("annotations").beginArray();
        for (SpanData.TimedEvent<io.opencensus.trace.Annotation> e : span.getAnnotations().getEvents()) {
            json.beginObject().name("time").value(time(e.getTimestamp()))
                    .name("description").value(e.getEvent().getDescription()).endObject();
        }
        json.endArray();
        json.endObject();
        json.flush();
    }

    private static String time(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    private static void value(JsonWriter json, AttributeValue v) throws IOException {
        Object value = v.match(s -> s, b -> b, l -> l, d -> d, other -> String.valueOf(other));
        if (value instanceof String s) {
            json.value(s);
        } else if (value instanceof Boolean b) {
            json.value(b);
        } else if (value instanceof Long l) {
            json.value(l);
        } else {
            json.value((Double) value);
        }
    }

    /** The file's writer for one span's {@link JsonWriter}, which must not close it. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(java.io.Writer out) {
            super(out);
        }

        @Override
        public void flush() {
            // the exporter flushes once per batch
        }

        @Override
        public void close() {
            // the file stays open
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
