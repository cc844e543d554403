package dev.vkubelet.provider.cloudkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The trace headers an emulator received, the newest {@value #KEPT} requests': for each, the
 * operation and the W3C {@code traceparent} and B3 {@code X-B3-TraceId}/{@code X-B3-SpanId}
 * headers it carried (absent ones left out). Emulators show it in their state, so that tests and
 * operators can check that a backend call carries the pod's trace. Thread-safe.
 */
public final class TraceHeaderLog {

    /** How many requests are kept. */
    public static final int KEPT = 2_000;
    private static final List<String> HEADERS = List.of("traceparent", "X-B3-TraceId", "X-B3-SpanId");

    private final Deque<Map<String, String>> entries = new ArrayDeque<>();

    /** Records the trace headers of one request for {@code operation}; {@code header} reads a header by name. */
    public void record(String operation, Function<String, String> header) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("operation", operation);
        for (String name : HEADERS) {
            String value = header.apply(name);
            if (value != null) {
                entry.put(name, value);
            }
        }
        synchronized (entries) {
            entries.addLast(entry);
            if (entries.size() > KEPT) {
                entries.removeFirst();
            }
        }
    }

    /** The recorded requests, oldest first. */
    public List<Map<String, String>> entries() {
        synchronized (entries) {
            return new ArrayList<>(entries);
        }
    }
}
