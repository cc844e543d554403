package dev.vkubelet.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.vkubelet.provider.ProviderMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link Instrumentation} into a Micrometer Prometheus registry. Metric names (as Prometheus shows
 * them) are listed in dist/docs/metrics.md; all start with {@code vk_}.
 */
public final class MicrometerInstrumentation implements Instrumentation, AutoCloseable {

    /** Pod phases reported by {@code vk_pods}. */
    public static final List<String> PHASES = List.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    private final PrometheusMeterRegistry registry;
    private final AtomicLong lastLeaseRenewal = new AtomicLong();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public MicrometerInstrumentation() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("vk.node.lease.last.renewal.timestamp.seconds", lastLeaseRenewal, v -> v.get() / 1000.0)
                .description("When the node's lease was last renewed (Unix time)").register(registry);
    }

    /** The registry, for the metrics endpoint. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A timer with the histogram buckets every duration here uses (1 ms to 5 min). */
    private static Timer.Builder histogram(String name) {
        return Timer.builder(name).publishPercentileHistogram().minimumExpectedValue(MIN).maximumExpectedValue(MAX);
    }

    private Timer timer(String name, String description, String... tags) {
        return histogram(name).description(description).tags(tags).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    @Override
    public void queueAdded(String queue) {
        counter("vk.workqueue.adds", "Keys added to a work queue", "queue", queue).increment();
    }

    @Override
    public void queueDepth(String queue, Supplier<Number> depth) {
        Gauge.builder("vk.workqueue.depth", depth).description("Keys waiting in a work queue").tag("queue", queue)
                .register(registry);
    }

    @Override
    public void queueTaken(String queue, Duration waited) {
        timer("vk.workqueue.queue.duration", "How long a key waited in a work queue", "queue", queue).record(waited);
    }

    @Override
    public void queueProcessed(String queue, Duration took, String outcome) {
        timer("vk.workqueue.work.duration", "How long processing a key took", "queue", queue, "outcome", outcome)
                .record(took);
        if ("retry".equals(outcome)) {
            counter("vk.workqueue.retries", "Keys retried with backoff", "queue", queue).increment();
        }
    }

    @Override
    public void providerCall(String provider, String operation, Duration took, String error) {
        String result = error == null ? "none" : error;
        timer("vk.provider.call.duration", "Calls into the provider plugin", "provider", provider, "operation",
                operation, "error", result).record(took);
        if (error != null) {
            counter("vk.provider.call.errors", "Failed calls into the provider plugin, by error class", "provider",
                    provider, "operation", operation, "error", error).increment();
        }
    }

    @Override
    public void podStarted(Duration sinceCreation) {
        timer("vk.pod.start.duration", "From pod creation to Running").record(sinceCreation);
    }

    @Override
    public void podDeleted(Duration sinceDeletion) {
        timer("vk.pod.deletion.duration", "From the delete request to the pod object being gone").record(sinceDeletion);
    }

    @Override
    public void podStatusWrite(boolean written) {
        counter("vk.pod.status.writes", "Pod status writes, made or skipped as unchanged", "result",
                written ? "written" : "skipped").increment();
    }

    @Override
    public void podPhases(Supplier<Map<String, Long>> counts) {
        for (String phase : PHASES) {
            // strong reference: Micrometer holds a gauge's state object weakly by default
            Gauge.builder("vk.pods", counts, c -> c.get().getOrDefault(phase, 0L)).description("Pods on this node by phase")
                    .tag("phase", phase).strongReference(true).register(registry);
        }
    }

    @Override
    public void nodes(java.util.List<String> nodes, Supplier<Map<String, Long>> podsByNode,
            java.util.function.Predicate<String> ready, java.util.function.ToDoubleFunction<String> leaseAge) {
        Supplier<Map<String, Long>> counts = new OncePerSecond<>(podsByNode);
        for (String node : nodes) {
            Gauge.builder("vk.node.pods", counts, c -> c.get().getOrDefault(node, 0L))
                    .description("Pods bound to the node, by node").tag("node", node).strongReference(true)
                    .register(registry);
            Gauge.builder("vk.node.ready", ready, r -> r.test(node) ? 1 : 0)
                    .description("1 while the node's provider answers its ping, by node").tag("node", node)
                    .strongReference(true).register(registry);
            Gauge.builder("vk.node.lease.age", leaseAge, a -> a.applyAsDouble(node)).baseUnit("seconds")
                    .description("Seconds since the node's lease was last renewed, by node (above the lease"
                            + " duration, 40 s, the node goes NotReady)").tag("node", node)
                    .strongReference(true).register(registry);
        }
    }

    /** A value read at most once a second, however many gauges read it in one scrape. */
    private static final class OncePerSecond<T> implements Supplier<T> {
        private final Supplier<T> source;
        private T value;
        private long readAt = Long.MIN_VALUE;

        OncePerSecond(Supplier<T> source) {
            this.source = source;
        }

        @Override
        public synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - readAt >= 1_000_000_000L) {
                value = source.get();
                readAt = now;
            }
            return value;
        }
    }

    @Override
    public void nodePing(boolean ok, Duration took) {
        timer("vk.node.ping.duration", "Provider pings", "result", ok ? "ok" : "failed").record(took);
    }

    @Override
    public void leaseRenewal(boolean ok) {
        counter("vk.node.lease.renewals", "Node lease renewals", "result", ok ? "ok" : "failed").increment();
        if (ok) {
            lastLeaseRenewal.set(System.currentTimeMillis());
        }
    }

    @Override
    public void leaseRenewalDelay(Duration delay) {
        timer("vk.node.lease.renewal.delay", "How long after its schedule each node lease renewal was acknowledged")
                .record(delay);
    }

    @Override
    public void heartbeatLag(Duration lag) {
        timer("vk.node.loop.lag", "How late node heartbeat and status steps start against their schedule")
                .record(lag);
    }

    @Override
    public void nodeStatusUpdate(boolean ok) {
        counter("vk.node.status.updates", "Node status writes", "result", ok ? "ok" : "failed").increment();
    }

    @Override
    public void pluginLoaded(String plugin, String version, String provider) {
        Gauge.builder("vk.plugin.info", () -> 1).description("Loaded provider plugins").tag("plugin", plugin)
                .tag("version", version).tag("provider", provider).register(registry);
    }

    @Override
    public ProviderMetrics providerMetrics(String provider) {
        String prefix = "vk.provider." + provider.replaceAll("[^a-zA-Z0-9]", "_") + ".";
        return new ProviderMetrics() {
            private String name(String metric) {
                return prefix + metric.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._]", "_");
            }

            private List<io.micrometer.core.instrument.Tag> tags(Map<String, String> labels) {
                List<io.micrometer.core.instrument.Tag> tags = new java.util.ArrayList<>();
                tags.add(io.micrometer.core.instrument.Tag.of("provider", provider));
                labels.forEach((k, v) -> tags.add(io.micrometer.core.instrument.Tag.of(k, String.valueOf(v))));
                return tags;
            }

            @Override
            public void count(String metric, Map<String, String> labels, double amount) {
                try {
                    Counter.builder(name(metric)).tags(tags(labels)).register(registry).increment(amount);
                } catch (RuntimeException e) {
                    // a provider's bad name or label set must not break its call
                }
            }

            @Override
            public void time(String metric, Map<String, String> labels, Duration duration) {
                try {
                    histogram(name(metric)).tags(tags(labels)).register(registry).record(duration);
                } catch (RuntimeException e) {
                    // as above
                }
            }

            @Override
            public void gauge(String metric, Map<String, String> labels, Supplier<Number> value) {
                try {
                    Gauge.builder(name(metric), value).tags(tags(labels)).register(registry);
                } catch (RuntimeException e) {
                    // as above
                }
            }
        };
    }

    @Override
    public void kubeletRequest(String route, int code, Duration took) {
        timer("vk.kubelet.request.duration", "Kubelet API requests", "route", route, "code", Integer.toString(code))
                .record(took);
    }

    @Override
    public void kubeletStreams(Supplier<Number> open) {
        Gauge.builder("vk.kubelet.open.streams", open).description("Open kubelet API streams").register(registry);
    }

    @Override
    public void apiRequest(String verb, String resource, int code, Duration took) {
        timer("vk.apiserver.request.duration", "Requests this agent made to the API server", "verb", verb,
                "resource", resource, "code", Integer.toString(code)).record(took);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
