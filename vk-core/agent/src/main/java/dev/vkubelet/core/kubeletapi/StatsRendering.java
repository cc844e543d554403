package dev.vkubelet.core.kubeletapi;

import com.google.gson.GsonBuilder;
import dev.vkubelet.provider.metrics.MetricFamily;
import dev.vkubelet.provider.metrics.MetricSample;
import dev.vkubelet.provider.stats.ContainerStats;
import dev.vkubelet.provider.stats.CpuStats;
import dev.vkubelet.provider.stats.MemoryStats;
import dev.vkubelet.provider.stats.PodStats;
import dev.vkubelet.provider.stats.StatsSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
     * timestamps metrics-server reads.
     */
    static String resourceMetrics(StatsSummary summary) {
        StringBuilder out = new StringBuilder();
        header(out, "node_cpu_usage_seconds_total", "Cumulative cpu time consumed by the node in core-seconds", "counter");
        cpu(out, "node_cpu_usage_seconds_total", "", summary.node().cpu());
        header(out, "node_memory_working_set_bytes", "Current working set of the node in bytes", "gauge");
        memory(out, "node_memory_working_set_bytes", "", summary.node().memory());
        header(out, "pod_cpu_usage_seconds_total", "Cumulative cpu time consumed by the pod in core-seconds", "counter");
        for (PodStats pod : summary.pods()) {
            cpu(out, "pod_cpu_usage_seconds_total", podLabels(pod), pod.cpu());
        }
        header(out, "pod_memory_working_set_bytes", "Current working set of the pod in bytes", "gauge");
        for (PodStats pod : summary.pods()) {
            memory(out, "pod_memory_working_set_bytes", podLabels(pod), pod.memory());
        }
        header(out, "container_cpu_usage_seconds_total", "Cumulative cpu time consumed by the container in core-seconds",
                "counter");
        for (PodStats pod : summary.pods()) {
            for (ContainerStats c : pod.containers()) {
                cpu(out, "container_cpu_usage_seconds_total", containerLabels(pod, c), c.cpu());
            }
        }
        header(out, "container_memory_working_set_bytes", "Current working set of the container in bytes", "gauge");
        for (PodStats pod : summary.pods()) {
            for (ContainerStats c : pod.containers()) {
                memory(out, "container_memory_working_set_bytes", containerLabels(pod, c), c.memory());
            }
        }
        header(out, "container_start_time_seconds", "Start time of the container since unix epoch in seconds", "gauge");
        for (PodStats pod : summary.pods()) {
            for (ContainerStats c : pod.containers()) {
                sample(out, "container_start_time_seconds", containerLabels(pod, c),
                        c.startTime().getEpochSecond() + c.startTime().getNano() / 1e9, c.startTime());
            }
        }
        header(out, "scrape_error", "1 if there was an error while getting container metrics, 0 otherwise", "gauge");
        out.append("scrape_error 0\n");
        return out.toString();
    }

    /** {@code /metrics/resource} from metric families a provider reports itself. */
    static String families(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder();
        for (MetricFamily family : families) {
            header(out, family.name(), family.help(), family.type().name().toLowerCase(Locale.ROOT));
            for (MetricSample s : family.samples()) {
                StringBuilder labels = new StringBuilder();
                s.labels().forEach((k, v) -> labels.append(labels.length() == 0 ? "" : ",").append(k).append("=\"")
                        .append(escape(v)).append('"'));
                sample(out, family.name(), labels.toString(), s.value(), s.timestamp().orElse(null));
            }
        }
        return out.toString();
    }

    private static String podLabels(PodStats pod) {
        return "namespace=\"" + escape(pod.podRef().namespace()) + "\",pod=\"" + escape(pod.podRef().name()) + "\"";
    }

    private static String containerLabels(PodStats pod, ContainerStats c) {
        return "container=\"" + escape(c.name()) + "\"," + podLabels(pod);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void cpu(StringBuilder out, String name, String labels, CpuStats cpu) {
        if (cpu != null && cpu.usageCoreNanoSeconds() != null) {
            sample(out, name, labels, cpu.usageCoreNanoSeconds() / 1e9, cpu.time());
        }
    }

    private static void memory(StringBuilder out, String name, String labels, MemoryStats memory) {
        if (memory != null && memory.workingSetBytes() != null) {
            sample(out, name, labels, memory.workingSetBytes(), memory.time());
        }
    }

    private static void sample(StringBuilder out, String name, String labels, double value, Instant time) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value);
        if (time != null) {
            out.append(' ').append(time.toEpochMilli());
        }
        out.append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
