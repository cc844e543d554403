package dev.vkubelet.core.kubeletapi;

import com.google.gson.GsonBuilder;
import dev.vkubelet.provider.metrics.MetricFamily;
import dev.vkubelet.provider.metrics.MetricSample;
import dev.vkubelet.provider.stats.ContainerStats;
import dev.vkubelet.provider.stats.CpuStats;
import dev.vkubelet.provider.stats.MemoryStats;
import dev.vkubelet.provider.stats.PodStats;
import dev.vkubelet.provider.stats.StatsSummary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The kubelet's stats summary JSON (v1alpha1 shape) and resource metrics text. */
final class StatsRendering {

    private StatsRendering() {}

    /** {@code /stats/summary}: {@code {"node": {...}, "pods": [...]}} with the kubelet's field names. */
    static String summaryJson(StatsSummary summary) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("nodeName", summary.node().nodeName());
        node.put("startTime", summary.node().startTime().toString());
        putUsage(node, summary.node().cpu(), summary.node().memory());
        List<Object> pods = new ArrayList<>();
        for (PodStats pod : summary.pods()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("podRef", Map.of("name", pod.podRef().name(), "namespace", pod.podRef().namespace(),
                    "uid", pod.podRef().uid()));
            p.put("startTime", pod.startTime().toString());
            List<Object> containers = new ArrayList<>();
            for (ContainerStats c : pod.containers()) {
                Map<String, Object> container = new LinkedHashMap<>();
                container.put("name", c.name());
                container.put("startTime", c.startTime().toString());
                putUsage(container, c.cpu(), c.memory());
                containers.add(container);
            }
            p.put("containers", containers);
            putUsage(p, pod.cpu(), pod.memory());
            pods.add(p);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("node", node);
        root.put("pods", pods);
        return new GsonBuilder().create().toJson(root);
    }

    private static void putUsage(Map<String, Object> into, CpuStats cpu, MemoryStats memory) {
        if (cpu != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("time", cpu.time().toString());
            putIfSet(c, "usageNanoCores", cpu.usageNanoCores());
            putIfSet(c, "usageCoreNanoSeconds", cpu.usageCoreNanoSeconds());
            into.put("cpu", c);
        }
        if (memory != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", memory.time().toString());
            putIfSet(m, "availableBytes", memory.availableBytes());
            putIfSet(m, "usageBytes", memory.usageBytes());
            putIfSet(m, "workingSetBytes", memory.workingSetBytes());
            putIfSet(m, "rssBytes", memory.rssBytes());
            into.put("memory", m);
        }
    }

    private static void putIfSet(Map<String, Object> into, String key, Long value) {
        if (value != null) {
            into.put(key, value);
        }
    }

    /**
     * {@code /metrics/resource} derived from a stats summary, with the names, labels and
     * timestamps metrics-server reads, in the Prometheus text format (written by the Prometheus
     * client's own writer: {@code +Inf}, {@code NaN}, escaping, label names checked).
     */
    static String resourceMetrics(StatsSummary summary) {
        Family nodeCpu = Family.counter("node_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the node in core-seconds");
        Family nodeMemory = Family.gauge("node_memory_working_set_bytes", "Current working set of the node in bytes");
        Family podCpu = Family.counter("pod_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the pod in core-seconds");
        Family podMemory = Family.gauge("pod_memory_working_set_bytes", "Current working set of the pod in bytes");
        Family containerCpu = Family.counter("container_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the container in core-seconds");
        Family containerMemory = Family.gauge("container_memory_working_set_bytes",
                "Current working set of the container in bytes");
        Family containerStart = Family.gauge("container_start_time_seconds",
                "Start time of the container since unix epoch in seconds");
        Family scrapeError = Family.gauge("scrape_error",
                "1 if there was an error while getting container metrics, 0 otherwise");
        cpu(nodeCpu, Map.of(), summary.node().cpu());
        memory(nodeMemory, Map.of(), summary.node().memory());
        for (PodStats pod : summary.pods()) {
            cpu(podCpu, podLabels(pod), pod.cpu());
            memory(podMemory, podLabels(pod), pod.memory());
            for (ContainerStats c : pod.containers()) {
                cpu(containerCpu, containerLabels(pod, c), c.cpu());
                memory(containerMemory, containerLabels(pod, c), c.memory());
                containerStart.add(containerLabels(pod, c),
                        c.startTime().getEpochSecond() + c.startTime().getNano() / 1e9, c.startTime());
            }
        }
        scrapeError.add(Map.of(), 0, null);
        return write(List.of(nodeCpu, nodeMemory, podCpu, podMemory, containerCpu, containerMemory, containerStart,
                scrapeError));
    }

    /**
     * {@code /metrics/resource} from metric families a provider reports itself. A counter's name
     * gets the {@code _total} the text format gives counters when it lacks one.
     *
     * @throws IllegalArgumentException when a label name is not a Prometheus label name, naming it
     */
    static String families(List<MetricFamily> families) {
        List<Family> out = new ArrayList<>();
        for (MetricFamily family : families) {
            Family f = family.type() == dev.vkubelet.provider.metrics.MetricType.COUNTER
                    ? Family.counter(family.name(), family.help()) : Family.gauge(family.name(), family.help());
            for (MetricSample s : family.samples()) {
                f.add(s.labels(), s.value(), s.timestamp().orElse(null));
            }
            out.add(f);
        }
        return write(out);
    }

    /** A sample being collected; {@code time} may be null. */
    private record Sample(Map<String, String> labels, double value, Instant time) {}

    /** One metric family being collected: its name, help, type and samples. */
    private record Family(String name, String help, boolean counter, List<Sample> samples) {
        static Family counter(String name, String help) {
            return new Family(name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name,
                    help, true, new ArrayList<>());
        }

        static Family gauge(String name, String help) {
            return new Family(name, help, false, new ArrayList<>());
        }

        void add(Map<String, String> labels, double value, Instant time) {
            samples.add(new Sample(labels, value, time));
        }

        MetricSnapshot snapshot() {
            if (counter) {
                var builder = CounterSnapshot.builder().name(name).help(help);
                for (Sample s : samples) {
                    var point = CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(s.labels()))
                            .value(s.value());
                    if (s.time() != null) {
                        point.scrapeTimestampMillis(s.time().toEpochMilli());
                    }
                    builder.dataPoint(point.build());
                }
                return builder.build();
            }
            var builder = GaugeSnapshot.builder().name(name).help(help);
            for (Sample s : samples) {
                var point = GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value());
                if (s.time() != null) {
                    point.scrapeTimestampMillis(s.time().toEpochMilli());
                }
                builder.dataPoint(point.build());
            }
            return builder.build();
        }

        private Labels labels(Map<String, String> labels) {
            TreeMap<String, String> sorted = new TreeMap<>(labels);
            for (String label : sorted.keySet()) {
                if (!PrometheusNaming.isValidLabelName(label)) {
                    throw new IllegalArgumentException("metric " + name + ": \"" + label
                            + "\" is not a Prometheus label name");
                }
            }
            return Labels.of(new ArrayList<>(sorted.keySet()),
                    new ArrayList<>(sorted.values()));
        }
    }

    private static String write(List<Family> families) {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (Family f : families) {
            snapshots.add(f.snapshot());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out,
                    new MetricSnapshots(snapshots));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> podLabels(PodStats pod) {
        return Map.of("namespace", pod.podRef().namespace(), "pod", pod.podRef().name());
    }

    private static Map<String, String> containerLabels(PodStats pod, ContainerStats c) {
        return Map.of("container", c.name(), "namespace", pod.podRef().namespace(), "pod", pod.podRef().name());
    }

    private static void cpu(Family family, Map<String, String> labels, CpuStats cpu) {
        if (cpu != null && cpu.usageCoreNanoSeconds() != null) {
            family.add(labels, cpu.usageCoreNanoSeconds() / 1e9, cpu.time());
        }
    }

    private static void memory(Family family, Map<String, String> labels, MemoryStats memory) {
        if (memory != null && memory.workingSetBytes() != null) {
            family.add(labels, memory.workingSetBytes(), memory.time());
        }
    }
}
