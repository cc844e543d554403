package dev.vkubelet.provider.azure;

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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plugin's spans, named as azure-aci names them, at the granularity its config asks for. */
class AzureTracingTest {

    private static List<RecordingTracer.Recorded> runAndDelete(String granularity) {
        RecordingTracer tracer = new RecordingTracer();
        ProviderContext context = new ProviderContext("trace-node", "linux", "10.0.0.1", 10250, "cluster.local",
                Optional.of(TestConfigs.fast("traceGranularity: " + granularity)), ClusterResources.empty(), tracer,
                ProviderMetrics.none());
        try (PodLifecycleHandler provider = new AzureProviderFactory().create(context)) {
            var pod = TestPods.pod("default", "traced", "trace-node");
            provider.createPod(pod);
            Await.until(Duration.ofSeconds(20), "pod Running", () -> provider.getPodStatus("default", "traced")
                    .filter(s -> "Running".equals(s.getPhase())).isPresent());
            provider.deletePod(pod);
            Await.until(Duration.ofSeconds(20), "pod gone", () -> provider.getPod("default", "traced").isEmpty());
        }
        return tracer.finished();
    }

    @Test
    void normalGranularityTracesPodStepsAndEachArmCall() {
        List<RecordingTracer.Recorded> spans = runAndDelete("normal");
        List<String> names = spans.stream().map(RecordingTracer.Recorded::name).toList();
        for (String expected : List.of("aci.CreatePod", "client.CreateContainerGroup", "client.GetContainerGroup",
                "aci.DeletePod", "client.DeleteContainerGroup", "client.ListContainerGroups")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
        RecordingTracer.Recorded create = spans.stream().filter(s -> s.name().equals("client.CreateContainerGroup"))
                .findFirst().orElseThrow();
        assertEquals(201L, create.attributes().get("http.status"));
        assertEquals(1L, create.attributes().get("attempts"));
        assertFalse(names.contains("PodsTracker.updatePods"), "tracker passes are fine-grained");
        assertFalse(names.contains("client.PollOperation"), "operation polls are fine-grained");
    }

    @Test
    void fineGranularityAddsTrackerPassesAndOperationPolls() {
        List<String> names = runAndDelete("fine").stream().map(RecordingTracer.Recorded::name).toList();
        assertTrue(names.contains("PodsTracker.updatePods") && names.contains("client.PollOperation"), names.toString());
    }

    @Test
    void coarseGranularityLeavesTheProviderSilent() {
        assertTrue(runAndDelete("coarse").isEmpty());
    }
}
