package dev.vkubelet.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.RecordingTracer;
import dev.vkubelet.provider.testkit.TestPods;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plugin's spans, at the granularity its config asks for. */
class AwsTracingTest {

    private static RecordingTracer runOnePod(String granularity) {
        RecordingTracer tracer = new RecordingTracer();
        Path config = TestConfigs.fast("traceGranularity: " + granularity);
        ProviderContext context = new ProviderContext("trace-node", "linux", "10.0.0.1", 10250, "cluster.local",
                Optional.of(config), ClusterResources.empty(), tracer, ProviderMetrics.none());
        try (PodLifecycleHandler provider = new AwsProviderFactory().create(context)) {
            provider.createPod(TestPods.pod("default", "traced", "trace-node"));
            Await.until(Duration.ofSeconds(20), "pod Running", () -> provider.getPodStatus("default", "traced")
                    .filter(s -> "Running".equals(s.getPhase())).isPresent());
            Await.until(Duration.ofSeconds(20), "a status poll", () -> "fine".equals(granularity)
                    ? tracer.names().contains("aws.pollTasks") : true);
        }
        return tracer;
    }

    @Test
    void normalGranularityTracesEachRequestAndTheCreate() {
        RecordingTracer tracer = runOnePod("normal");
        List<String> names = tracer.names();
        assertTrue(names.contains("aws.createPod"), names.toString());
        assertTrue(names.contains("aws.Ecs.RegisterTaskDefinition"), names.toString());
        RecordingTracer.Recorded run = tracer.finished().stream().filter(r -> r.name().equals("aws.Ecs.RunTask")).findFirst()
                .orElseThrow(() -> new AssertionError("no RunTask span in " + names));
        assertEquals(1L, run.attributes().get("attempts"));
        assertEquals(200L, run.attributes().get("http.status"));
        assertTrue(String.valueOf(run.attributes().get("taskDefinition")).contains("task-definition/vk-podspec_"));
        assertTrue(names.contains("aws.Ecs.DescribeTasks"), names.toString());
        assertFalse(names.contains("aws.pollTasks"), "poll spans are fine-grained: " + names);
    }

    @Test
    void fineGranularityAddsStatusPolls() {
        assertTrue(runOnePod("fine").names().contains("aws.pollTasks"));
    }

    @Test
    void coarseGranularityLeavesTheProviderSilent() {
        List<String> names = runOnePod("coarse").names();
        assertTrue(names.stream().noneMatch(n -> n.startsWith("aws.")), names.toString());
    }
}
