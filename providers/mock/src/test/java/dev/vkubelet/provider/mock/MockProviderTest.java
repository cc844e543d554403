package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MockProviderTest {

    private static final ProviderContext CONTEXT = new ProviderContext("vk-mock", "linux", "10.1.2.3", 10250,
            "cluster.local", Optional.empty(), ClusterResources.empty(), Tracer.noop(),
            dev.vkubelet.provider.ProviderMetrics.none());

    @Test
    void delayedPodsArePendingThenRunningAndNotified() {
        MockConfig config = new MockConfig(new Quantity("1"), new Quantity("1Gi"), new Quantity("5"), Map.of(),
                Duration.ofMillis(200), Optional.empty(), Optional.empty(), MockFaults.none());
        List<String> phases = new CopyOnWriteArrayList<>();
        try (MockProvider provider = new MockProvider(CONTEXT, config, Clock.systemUTC())) {
            provider.notifyPods(pod -> phases.add(pod.getStatus().getPhase()));
            provider.createPod(TestPods.pod("default", "slow", "vk-mock"));
            assertEquals("Pending", provider.getPodStatus("default", "slow").orElseThrow().getPhase());
            Await.until(Duration.ofSeconds(10), "Running", () -> phases.contains("Running"));
            assertEquals(List.of("Pending", "Running"), phases);
            assertEquals("10.1.2.3", provider.getPodStatus("default", "slow").orElseThrow().getHostIP());
        }
    }

    @Test
    void configureNodeSetsCapacityConditionsAndAddress() {
        MockConfig config = new MockConfig(new Quantity("3"), new Quantity("4Gi"), new Quantity("7"),
                Map.of("example.com/widget", new Quantity("2")), Duration.ZERO, Optional.empty(), Optional.empty(),
                MockFaults.none());
        try (MockProvider provider = new MockProvider(CONTEXT, config, Clock.systemUTC())) {
            V1Node node = new V1Node().metadata(new V1ObjectMeta().name("vk-mock"));
            provider.configureNode(node);
            assertEquals(new Quantity("3"), node.getStatus().getCapacity().get("cpu"));
            assertEquals(new Quantity("2"), node.getStatus().getAllocatable().get("example.com/widget"));
            assertTrue(node.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
            assertEquals("10.1.2.3", node.getStatus().getAddresses().get(0).getAddress());
        }
    }

    @Test
    void logsHonourTailAndLimit() throws IOException {
        try (MockProvider provider = new MockProvider(CONTEXT, MockConfig.defaults(), Clock.systemUTC())) {
            V1Pod pod = TestPods.pod("default", "chatty", "vk-mock");
            provider.createPod(pod);
            LogOptions tail = new LogOptions(OptionalInt.of(2), OptionalLong.empty(), false, false, false,
                    OptionalLong.empty(), Optional.empty());
            try (InputStream in = provider.getContainerLogs("default", "chatty", "app", tail)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("mock log line 99 of default/chatty/app\nmock log line 100 of default/chatty/app\n", text);
            }
            LogOptions limit = new LogOptions(OptionalInt.empty(), OptionalLong.of(10), false, false, false,
                    OptionalLong.empty(), Optional.empty());
            try (InputStream in = provider.getContainerLogs("default", "chatty", "app", limit)) {
                assertEquals(10, in.readAllBytes().length);
            }
        }
    }
}
