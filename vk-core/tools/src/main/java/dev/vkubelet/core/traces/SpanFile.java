package dev.vkubelet.core.traces;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a span file of the {@code file} exporter: one JSON object per line. */
public final class SpanFile {

    private SpanFile() {}

    /**
     * Every span of {@code file}; blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file and line of the first malformed line
     * @throws IOException when the file cannot be read
     */
    public static List<SpanLine> read(Path file) throws IOException {
        List<SpanLine> spans = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (!line.isBlank()) {
                    spans.add(parse(file, number, line));
                }
            }
        }
        return spans;
    }

    private static IllegalArgumentException bad(Path file, int line, String problem) {
        return new IllegalArgumentException(file + ":" + line + ": " + problem);
    }

    private static SpanLine parse(Path file, int line, String text) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw bad(file, line, "not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw bad(file, line, "not JSON: " + e.getMessage());
        }
        for (String field : List.of("traceId", "spanId", "name", "start", "durationNanos")) {
            if (!o.has(field) || o.get(field).isJsonNull()) {
                throw bad(file, line, "no '" + field + "'");
            }
        }
        Instant start;
        long duration;
        try {
            start = Instant.parse(o.get("start").getAsString());
            duration = o.get("durationNanos").getAsLong();
        } catch (DateTimeParseException | NumberFormatException | UnsupportedOperationException e) {
            throw bad(file, line, "bad 'start' or 'durationNanos': " + e.getMessage());
        }
        if (duration < 0) {
            throw bad(file, line, "negative 'durationNanos'");
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (o.has("attributes") && o.get("attributes").isJsonObject()) {
            o.getAsJsonObject("attributes").entrySet().forEach(a -> {
                JsonElement v = a.getValue();
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    attributes.put(a.getKey(), v.getAsLong());
                } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean()) {
                    attributes.put(a.getKey(), v.getAsBoolean());
                } else if (!v.isJsonNull()) {
                    attributes.put(a.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
                }
            });
        }
        String status = o.has("status") && o.get("status").isJsonObject() && o.getAsJsonObject("status").has("code")
                ? o.getAsJsonObject("status").get("code").getAsString() : "OK";
        String parent = o.has("parentSpanId") && !o.get("parentSpanId").isJsonNull()
                ? o.get("parentSpanId").getAsString() : null;
        return new SpanLine(o.get("traceId").getAsString(), o.get("spanId").getAsString(), parent,
                o.get("name").getAsString(), start, duration, status, attributes);
    }
}
