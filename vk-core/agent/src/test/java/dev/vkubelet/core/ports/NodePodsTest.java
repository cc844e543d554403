package dev.vkubelet.core.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodePodsTest {

    private final List<V1Pod> pods = List.of(TestPods.pod("ns", "a", "n0"), TestPods.pod("ns", "b", "n1"),
            TestPods.pod("ns", "c", "n0"));
    private final PodIndex all = new PodIndex() {
        @Override
        public Optional<V1Pod> get(String namespace, String name) {
            return pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
        }

        @Override
        public List<V1Pod> list() {
            return pods;
        }

        @Override
        public boolean hasSynced() {
            return true;
        }
    };

    @Test
    void aNodeSeesOnlyItsOwnPods() {
        NodePods n0 = new NodePods(all, "n0");
        assertEquals(List.of("a", "c"), n0.list().stream().map(p -> p.getMetadata().getName()).toList());
        assertTrue(n0.get("ns", "a").isPresent());
        assertTrue(n0.get("ns", "b").isEmpty(), "a pod of another node of the process is not this node's");
        assertTrue(n0.hasSynced());
    }
}
