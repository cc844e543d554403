package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.MultiNodeProvider;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One mock instance for several nodes ({@link MultiNodeProvider}): each node keeps its own entry and state. */
class MockManyNodesTest {

    @TempDir
    Path dir;

    /** Gauges registered, by name: the mock's pod count must be one series, however many nodes. */
    private final Map<String, Integer> gauges = new HashMap<>();

    private ProviderContext context(Path config, String node, int port) {
        ProviderMetrics metrics = new ProviderMetrics() {
            @Override
            public void count(String name, Map<String, String> labels, double amount) {}

            @Override
            public void time(String name, Map<String, String> labels, java.time.Duration duration) {}

            @Override
            public void gauge(String name, Map<String, String> labels, Supplier<Number> value) {
                gauges.merge(name, 1, Integer::sum);
            }
        };
        return new ProviderContext(node, "linux", "10.1.2.3", port, "cluster.local", Optional.of(config),
                ClusterResources.empty(), Tracer.noop(), metrics);
    }

    @Test
    void oneInstanceServesEachNodeWithItsOwnEntryAndStateFileAndHandsANodeOverThroughIt() throws Exception {
        Path config = Files.writeString(dir.resolve("mock.yaml"), """
                a: {cpu: "8", stateFile: '%s'}
                b: {cpu: "16", stateFile: '%s'}
                """.formatted(dir.resolve("a.json"), dir.resolve("b.json")));
        PodLifecycleHandler created = new MockProviderFactory().create(context(config, "a", 10250));
        assertTrue(created instanceof MultiNodeProvider, "the mock declares that one instance serves many nodes");
        try (MockProvider mock = (MockProvider) created) {
            mock.addNode(context(config, "b", 10251));
            mock.createPod(TestPods.pod("ns", "on-a", "a"));
            mock.createPod(TestPods.pod("ns", "on-b", "b"));
            assertEquals(List.of("on-a", "on-b"), mock.getPods().stream().map(p -> p.getMetadata().getName()).toList());
            assertEquals(Map.of("pods", 1), gauges, "one pod gauge for the instance");

            assertEquals(new Quantity("8"), capacity(mock, "a"));
            assertEquals(new Quantity("16"), capacity(mock, "b"));
            assertEquals(List.of("on-a"), names(new MockState(dir.resolve("a.json")).load()));
            assertEquals(List.of("on-b"), names(new MockState(dir.resolve("b.json")).load()));

            mock.removeNode("b");
            assertEquals(List.of("on-a"), names(mock.getPods()), "a removed node's pods leave the instance");
            assertEquals(List.of("on-b"), names(new MockState(dir.resolve("b.json")).load()),
                    "and stay in its state file for the next process serving it");

            mock.addNode(context(config, "b", 10252));
            assertEquals(List.of("on-a", "on-b"), names(mock.getPods()), "a node added again adopts its pods");
            assertEquals("Running", mock.getPodStatus("ns", "on-b").orElseThrow().getPhase());
        }
    }

    private static Quantity capacity(MockProvider mock, String node) {
        V1Node configured = new V1Node().metadata(new V1ObjectMeta().name(node));
        mock.configureNode(configured);
        return configured.getStatus().getCapacity().get("cpu");
    }

    private static List<String> names(List<V1Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }
}
