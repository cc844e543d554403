package dev.vkubelet.provider.testkit;

import dev.vkubelet.provider.ProviderMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * Provider metrics for tests: counters summed by name over their labels; a recorded duration
 * counts one in {@code <name>.count}; gauges are ignored.
 */
public final class RecordingMetrics implements ProviderMetrics {

    private final Map<String, DoubleAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, Map<Map<String, String>, DoubleAdder>> byLabels = new ConcurrentHashMap<>();

    @Override
    public void count(String name, Map<String, String> labels, double amount) {
        counts.computeIfAbsent(name, n -> new DoubleAdder()).add(amount);
        byLabels.computeIfAbsent(name, n -> new ConcurrentHashMap<>())
                .computeIfAbsent(Map.copyOf(labels), l -> new DoubleAdder()).add(amount);
    }

    @Override
    public void time(String name, Map<String, String> labels, Duration duration) {
        count(name + ".count", labels, 1);
    }

    @Override
    public void gauge(String name, Map<String, String> labels, Supplier<Number> value) {
        // not read by any test
    }

    /** The counter's total over all labels, 0 when never counted. */
    public double get(String name) {
        DoubleAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }

    /** The counter's total over the label sets that have {@code label} set to {@code value}. */
    public double get(String name, String label, String value) {
        return byLabels.getOrDefault(name, Map.of()).entrySet().stream()
                .filter(e -> value.equals(e.getKey().get(label)))
                .mapToDouble(e -> e.getValue().sum()).sum();
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
