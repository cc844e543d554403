package dev.vkubelet.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --nodes-config}: a mock node and an AWS-style node (its ECS emulator embedded) in one
 * process, each with its own provider, configuration, labels, taints and capacity, each running
 * its pods.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class MixedFleetIT {

    @TempDir
    Path dir;

    @Test
    void aMockAndAnAwsNodeInOneProcessEachWithItsOwnProviderLabelsTaintsCapacityAndPods(LocalControlPlane plane)
            throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            CoreV1Api admin = cluster.admin();
            String mock = cluster.node() + "-mock";
            String aws = cluster.node() + "-aws";
            Files.writeString(dir.resolve("aws.yaml"), """
                    cluster: it
                    subnets: [subnet-it]
                    pollInterval: 200ms
                    emulator:
                      timeScale: 0.005
                    """);
            Path nodes = Files.writeString(dir.resolve("nodes.yaml"), """
                    nodes:
                      - name: %s
                        provider: mock
                        labels: {tier: gold, topology.kubernetes.io/zone: lab-1}
                        taints: ["virtual-kubelet.io/provider=mock:NoSchedule", "example.com/dedicated=ci:NoSchedule"]
                        capacity: {cpu: "123", pods: "77"}
                      - name: %s
                        provider: aws
                        providerConfig: aws.yaml
                    """.formatted(mock, aws));
            try {
                VirtualKubelet agent = cluster.startMock("--nodes-config", nodes.toString(), "--kubeconfig",
                        plane.roleKubeconfig("vk-fleet-" + cluster.node()).toString());
                assertEquals(List.of(mock, aws), List.copyOf(agent.kubeletApiAddresses().keySet()));
                assertEquals("mock", agent.nodeControllers().get(mock).desiredNode().getStatus().getNodeInfo()
                        .getContainerRuntimeVersion().replace("vk-jvm://", ""));

                V1Node mockNode = Await.until(PodClusterFixture.WAIT, mock + " Ready", () -> PodClusterFixture.readyNode(admin, mock));
                assertEquals("gold", mockNode.getMetadata().getLabels().get("tier"));
                assertEquals("lab-1", mockNode.getMetadata().getLabels().get("topology.kubernetes.io/zone"));
                assertEquals(mock, mockNode.getMetadata().getLabels().get("kubernetes.io/hostname"));
                assertEquals(List.of("virtual-kubelet.io/provider=mock:NoSchedule", "example.com/dedicated=ci:NoSchedule"),
                        ours(mockNode));
                assertEquals(new Quantity("123"), mockNode.getStatus().getCapacity().get("cpu"));
                assertEquals(new Quantity("123"), mockNode.getStatus().getAllocatable().get("cpu"));
                assertEquals(new Quantity("77"), mockNode.getStatus().getCapacity().get("pods"));

                V1Node awsNode = Await.until(PodClusterFixture.WAIT, aws + " Ready", () -> PodClusterFixture.readyNode(admin, aws));
                assertEquals("vk-jvm://aws", awsNode.getStatus().getNodeInfo().getContainerRuntimeVersion());
                assertEquals(List.of("virtual-kubelet.io/provider=aws:NoSchedule"),
                        ours(awsNode),
                        "the default taint names the node's own provider");
                assertTrue(awsNode.getMetadata().getLabels().get("tier") == null, "labels of another node");

                for (String node : List.of(mock, aws)) {
                    V1Pod pod = PodClusterFixture.pod("on-" + node.substring(node.lastIndexOf('-') + 1));
                    pod.getSpec().nodeName(node);
                    pod.getMetadata().namespace(cluster.namespace());
                    admin.createNamespacedPod(cluster.namespace(), pod).execute();
                }
                cluster.awaitRunning("on-mock");
                V1Pod onAws = cluster.awaitRunning("on-aws");
                assertTrue(onAws.getStatus().getPodIP().startsWith("10.0."),
                        "an ECS task's address, got " + onAws.getStatus().getPodIP());
                assertTrue(agent.nodeControllers().get(aws).providerHealthy());
                String logs = admin.readNamespacedPodLog("on-mock", cluster.namespace()).container("app").execute();
                assertTrue(logs != null && !logs.isEmpty(), "no logs from the mock node's pod");
            } finally {
                for (String node : List.of(mock, aws)) {
                    try {
                        admin.deleteNode(node).execute();
                    } catch (ApiException e) {
                        // never registered
                    }
                }
            }
        }
    }

    /** The node's taints but the control plane's own ({@code node.kubernetes.io/not-ready} while it catches up). */
    private static List<String> ours(V1Node node) {
        return node.getSpec().getTaints().stream().filter(t -> !t.getKey().startsWith("node.kubernetes.io/"))
                .map(MixedFleetIT::text).toList();
    }

    private static String text(V1Taint taint) {
        return taint.getKey() + "=" + taint.getValue() + ":" + taint.getEffect();
    }

}
