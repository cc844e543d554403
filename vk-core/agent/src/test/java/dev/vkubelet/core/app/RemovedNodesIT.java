package dev.vkubelet.core.app;

import static dev.vkubelet.core.pod.PodClusterFixture.found;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.kube.RemovedNodes;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A node taken out of {@code --nodes-config} is deregistered when the agent runs again without it. */
@ExtendWith(LocalControlPlaneExtension.class)
class RemovedNodesIT {

    private static final Duration LEASE = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    @Test
    void aNodeRemovedFromTheNodesConfigIsDeregisteredOnRestartAndOtherAgentsNodesStay(LocalControlPlane plane)
            throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            CoreV1Api admin = cluster.admin();
            CoordinationV1Api leases = new CoordinationV1Api(plane.adminClient());
            String kept = cluster.node() + "-kept";
            String removed = cluster.node() + "-removed";
            // a node of another agent, long silent: not this agent's to delete
            String foreign = cluster.node() + "-foreign";
            admin.createNode(new V1Node().metadata(new V1ObjectMeta().name(foreign).labels(Map.of(
                    "type", "virtual-kubelet", RemovedNodes.AGENT_LABEL, "another-agent")))).execute();
            String identity = plane.roleKubeconfig("vk-fleet-" + cluster.node()).toString();
            Path both = Files.writeString(dir.resolve("both.yaml"), """
                    nodes:
                      - {name: %s, provider: mock}
                      - {name: %s, provider: mock}
                    """.formatted(kept, removed));
            try {
                VirtualKubelet first = cluster.startMockWithLease(LEASE, "--nodes-config", both.toString(),
                        "--kubeconfig", identity);
                for (String name : List.of(kept, removed)) {
                    V1Node node = Await.until(PodClusterFixture.WAIT, name + " Ready",
                            () -> PodClusterFixture.readyNode(admin, name));
                    assertEquals(cluster.node(), node.getMetadata().getLabels().get(RemovedNodes.AGENT_LABEL),
                            name + " names the agent that registered it");
                }
                cluster.stop(first);

                Path one = Files.writeString(dir.resolve("one.yaml"), """
                        nodes:
                          - {name: %s, provider: mock}
                        """.formatted(kept));
                cluster.startMockWithLease(LEASE, "--nodes-config", one.toString(), "--kubeconfig", identity);
                Await.until(PodClusterFixture.WAIT, removed + " and its lease deleted",
                        () -> found(() -> admin.readNode(removed).execute()).isEmpty()
                                && found(() -> leases.readNamespacedLease(removed, NodeDefaults.LEASE_NAMESPACE)
                                .execute()).isEmpty());
                assertTrue(PodClusterFixture.readyNode(admin, kept).isPresent(), kept + " is not Ready");
                assertTrue(found(() -> admin.readNode(foreign).execute()).isPresent(),
                        "the node of another agent was deleted");
            } finally {
                for (String name : List.of(kept, removed, foreign)) {
                    try {
                        admin.deleteNode(name).execute();
                    } catch (ApiException e) {
                        // gone
                    }
                }
            }
        }
    }
}
