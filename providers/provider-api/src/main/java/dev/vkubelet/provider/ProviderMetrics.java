package dev.vkubelet.provider;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a provider records metrics of its own (backend requests, throttling, polls). The host
 * publishes them on its {@code /metrics} as {@code vk_provider_<name>...} with a {@code provider}
 * label, so providers never clash with each other or with the host. Names are lower-case words
 * separated by dots or underscores ({@code backend.requests}); label names and values are free.
 *
 * <p>Thread-safe; calls are cheap and never throw.
 */
public interface ProviderMetrics {

    /** Adds {@code amount} to the counter {@code name} with {@code labels}. */
    void count(String name, Map<String, String> labels, double amount);

    /** Records one duration in the histogram {@code name} with {@code labels}. */
    void time(String name, Map<String, String> labels, Duration duration);

    /** Registers the gauge {@code name}, read from {@code value} at each scrape. */
    void gauge(String name, Map<String, String> labels, Supplier<Number> value);

    /** Adds one to the counter {@code name} with {@code labels}. */
    default void increment(String name, Map<String, String> labels) {
        count(name, labels, 1);
    }

    /** Metrics that go nowhere. */
    static ProviderMetrics none() {
        return new ProviderMetrics() {
            @Override
            public void count(String name, Map<String, String> labels, double amount) {}

            @Override
            public void time(String name, Map<String, String> labels, Duration duration) {}

            @Override
            public void gauge(String name, Map<String, String> labels, Supplier<Number> value) {}
        };
    }
}
