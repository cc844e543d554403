package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.metrics.MetricFamily;
import dev.vkubelet.provider.metrics.MetricSample;
import dev.vkubelet.provider.metrics.MetricType;
import dev.vkubelet.provider.stats.ContainerStats;
import dev.vkubelet.provider.stats.CpuStats;
import dev.vkubelet.provider.stats.MemoryStats;
import dev.vkubelet.provider.stats.NodeStats;
import dev.vkubelet.provider.stats.PodReference;
import dev.vkubelet.provider.stats.PodStats;
import dev.vkubelet.provider.stats.StatsSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code /metrics/resource} in the Prometheus text format, as Prometheus's own parser expects it. */
class StatsRenderingTest {

    private static final Instant AT = Instant.parse("2026-12-02T10:00:00.250Z");

    @Test
    void infinitiesAndNotANumberAreWrittenAsPrometheusSpellsThem() {
        String text = StatsRendering.families(List.of(new MetricFamily("backend_queue_seconds", "how long",
                MetricType.GAUGE, List.of(new MetricSample(Map.of("le", "x"), Double.POSITIVE_INFINITY, Optional.empty()),
                        new MetricSample(Map.of("le", "y"), Double.NEGATIVE_INFINITY, Optional.empty()),
                        new MetricSample(Map.of("le", "z"), Double.NaN, Optional.of(AT))))));
        assertTrue(text.contains("backend_queue_seconds{le=\"x\"} +Inf\n"), text);
        assertTrue(text.contains("backend_queue_seconds{le=\"y\"} -Inf\n"), text);
        assertTrue(text.contains("backend_queue_seconds{le=\"z\"} NaN " + AT.toEpochMilli() + "\n"), text);
        assertFalse(text.contains("Infinity"), text);
    }

    @Test
    void labelValuesAreEscapedAndBadLabelNamesAreRefusedByName() {
        String text = StatsRendering.families(List.of(new MetricFamily("backend_tasks", "tasks", MetricType.GAUGE,
                List.of(new MetricSample(Map.of("pod", "a\"b\\c\nd"), 1, Optional.empty())))));
        assertTrue(text.contains("backend_tasks{pod=\"a\\\"b\\\\c\\nd\"} 1.0\n"), text);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> StatsRendering.families(
                List.of(new MetricFamily("backend_tasks", "tasks", MetricType.GAUGE, List.of(new MetricSample(
                        Map.of("pod-name", "x"), 1, Optional.empty()))))));
        assertTrue(bad.getMessage().contains("\"pod-name\" is not a Prometheus label name"), bad.getMessage());
    }

    @Test
    void aCounterIsWrittenWithTotalWhateverItsFamilyIsCalled() {
        String text = StatsRendering.families(List.of(
                new MetricFamily("backend_requests_total", "requests", MetricType.COUNTER,
                        List.of(new MetricSample(Map.of(), 3, Optional.empty()))),
                new MetricFamily("backend_errors", "errors", MetricType.COUNTER,
                        List.of(new MetricSample(Map.of(), 1, Optional.empty())))));
        assertTrue(text.contains("# TYPE backend_requests_total counter\n"), text);
        assertTrue(text.contains("\nbackend_requests_total 3.0\n"), text);
        assertTrue(text.contains("\nbackend_errors_total 1.0\n"), text);
    }

    @Test
    void theSummaryGivesTheSeriesMetricsServerReadsWithTheirTimestamps() {
        CpuStats cpu = new CpuStats(AT, 5_000_000L, 2_500_000_000L);
        MemoryStats memory = new MemoryStats(AT, null, 4096L, 2048L, null);
        StatsSummary summary = new StatsSummary(new NodeStats("vk", AT, cpu, memory), List.of(new PodStats(
                new PodReference("web", "team", "uid"), AT, List.of(new ContainerStats("app", AT, cpu, memory)),
                cpu, memory)));
        String text = StatsRendering.resourceMetrics(summary);
        long ms = AT.toEpochMilli();
        assertTrue(text.contains("\nnode_cpu_usage_seconds_total 2.5 " + ms + "\n"), text);
        assertTrue(text.contains("\nnode_memory_working_set_bytes 2048.0 " + ms + "\n"), text);
        assertTrue(text.contains("\npod_cpu_usage_seconds_total{namespace=\"team\",pod=\"web\"} 2.5 " + ms + "\n"), text);
        assertTrue(text.contains("\ncontainer_memory_working_set_bytes{container=\"app\",namespace=\"team\",pod=\"web\"} "
                + "2048.0 " + ms + "\n"), text);
        assertTrue(text.contains("\ncontainer_start_time_seconds{container=\"app\",namespace=\"team\",pod=\"web\"} "
                + (AT.getEpochSecond() + 0.25) + " " + ms + "\n"), text);
        assertTrue(text.contains("\nscrape_error 0.0\n"), text);
        assertEquals(1, text.lines().filter(l -> l.equals("# TYPE scrape_error gauge")).count(), text);
    }
}
