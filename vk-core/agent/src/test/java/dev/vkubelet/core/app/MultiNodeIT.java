package dev.vkubelet.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.kubeletapi.KubeletClients;
import dev.vkubelet.core.metrics.PrometheusText;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --node-count}: many nodes in one process, each a node of its own to the cluster. */
@ExtendWith(LocalControlPlaneExtension.class)
class MultiNodeIT {

    private static final int NODES = 50;

    @Test
    void fiftyNodesInOneProcessEachWithItsLeasePortPodsStatsLogsAndExec(LocalControlPlane plane) throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            CoreV1Api admin = cluster.admin();
            List<String> names = IntStream.range(0, NODES).mapToObj(i -> cluster.node() + "-" + i).toList();
            try {
                // an identity that may act for every node: the manifests' role, not one node's certificate
                VirtualKubelet agent = cluster.startMock("--node-count", Integer.toString(NODES), "--kubeconfig",
                        plane.roleKubeconfig("vk-fleet-" + cluster.node()).toString());
                Map<String, InetSocketAddress> apis = agent.kubeletApiAddresses();
                assertEquals(names, List.copyOf(apis.keySet()), "one kubelet API per node, named after it");
                assertEquals(NODES, new HashSet<>(apis.values().stream().map(InetSocketAddress::getPort).toList())
                        .size(), "each node has a port of its own");
                for (String name : names) {
                    V1Node node = Await.until(PodClusterFixture.WAIT, name + " Ready", () -> PodClusterFixture.readyNode(admin, name));
                    assertEquals(apis.get(name).getPort(),
                            node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort(),
                            name + " advertises its own kubelet API port");
                    V1Lease lease = new CoordinationV1Api(plane.adminClient())
                            .readNamespacedLease(name, NodeDefaults.LEASE_NAMESPACE).execute();
                    assertEquals(name, lease.getSpec().getHolderIdentity());
                }
                for (int i = 0; i < NODES; i++) {
                    V1Pod pod = PodClusterFixture.pod("on-" + i);
                    pod.getSpec().nodeName(names.get(i));
                    pod.getMetadata().namespace(cluster.namespace());
                    admin.createNamespacedPod(cluster.namespace(), pod).execute();
                }
                for (int i = 0; i < NODES; i++) {
                    V1Pod running = cluster.awaitRunning("on-" + i);
                    assertEquals(names.get(i), running.getSpec().getNodeName());
                }
                // one series a node: its pods and whether it answers its ping
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                java.net.URI metrics = java.net.URI.create("http://" + agent.metricsAddress().orElseThrow()
                        .getHostString() + ":" + agent.metricsAddress().orElseThrow().getPort() + "/metrics");
                Await.until(PodClusterFixture.WAIT, "one pod, ready and a renewed lease on every node's series", () -> {
                    try {
                        List<PrometheusText.Sample> samples = PrometheusText.parse(http.send(
                                java.net.http.HttpRequest.newBuilder(metrics).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                        // the mock serves every node from one instance (MultiNodeProvider): one count of all pods
                        return PrometheusText.value(samples, "vk_provider_mock_pods", Map.of()) == NODES
                                && names.stream().allMatch(n -> PrometheusText.value(samples, "vk_node_pods",
                                Map.of("node", n)) == 1 && PrometheusText.value(samples, "vk_node_ready",
                                Map.of("node", n)) == 1 && leaseAgeWithinDuration(samples, n));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });

                // through the API server to the kubelet API of the last node, as kubectl logs goes
                String logs = admin.readNamespacedPodLog("on-" + (NODES - 1), cluster.namespace()).container("app")
                        .execute();
                assertTrue(logs != null && !logs.isEmpty(), "no logs from a pod on " + names.get(NODES - 1));
                // kubectl itself, logs and exec, for a pod on a node other than the first
                int other = NODES * 3 / 4;
                List<String> kubectlLogs = cluster.kubectl("logs", "-n", cluster.namespace(), "on-" + other);
                // the mock's log names its pod
                assertEquals("mock log line 1 of " + cluster.namespace() + "/on-" + other + "/app",
                        kubectlLogs.isEmpty() ? "no lines" : kubectlLogs.get(0),
                        "kubectl logs of a pod on " + names.get(other));
                assertEquals(List.of("from " + names.get(other)), cluster.kubectl("exec", "-n", cluster.namespace(),
                        "on-" + other, "--", "echo", "from", names.get(other)));

                // each node's kubelet API serves its own pods only
                HttpClient masters = KubeletClients.withCertificate(plane, "fleet-test", List.of("system:masters"));
                String path = "/containerLogs/" + cluster.namespace() + "/on-" + (NODES - 1) + "/app";
                String last = "https://127.0.0.1:" + apis.get(names.get(NODES - 1)).getPort();
                String first = "https://127.0.0.1:" + apis.get(names.get(0)).getPort();
                assertEquals(200, KubeletClients.get(masters, last + path, Map.of()).statusCode());
                assertEquals(404, KubeletClients.get(masters, first + path, Map.of()).statusCode(),
                        "the first node's kubelet API served a pod of the last node");
                // one provider instance for all nodes, yet each node's stats and running pods are its own
                for (int i = 0; i < NODES; i++) {
                    String base = "https://127.0.0.1:" + apis.get(names.get(i)).getPort();
                    var summary = com.google.gson.JsonParser.parseString(KubeletClients.get(masters,
                            base + "/stats/summary", Map.of()).body()).getAsJsonObject();
                    assertEquals(names.get(i), summary.getAsJsonObject("node").get("nodeName").getAsString());
                    assertEquals(List.of("on-" + i), podNames(summary.getAsJsonArray("pods"), "podRef"),
                            "the stats of " + names.get(i));
                }
                var running = com.google.gson.JsonParser.parseString(KubeletClients.get(masters,
                        last + "/runningpods/", Map.of()).body()).getAsJsonObject();
                assertEquals(List.of("on-" + (NODES - 1)), podNames(running.getAsJsonArray("items"), "metadata"));

                admin.deleteNamespacedPod("on-1", cluster.namespace()).execute();
                Await.until(PodClusterFixture.WAIT, "the pod on node 1 gone", () -> cluster.read("on-1").isEmpty());
                assertTrue(cluster.read("on-0").isPresent() && cluster.read("on-2").isPresent(),
                        "deleting one node's pod touched the others");
                assertEquals("Running", cluster.read("on-2").orElseThrow().getStatus().getPhase());
            } finally {
                for (String name : names) {
                    try {
                        admin.deleteNode(name).execute();
                    } catch (ApiException e) {
                        // not registered, or gone
                    }
                }
            }
        }
    }

    private static List<String> podNames(com.google.gson.JsonArray items, String meta) {
        List<String> names = new java.util.ArrayList<>();
        items.forEach(i -> names.add(i.getAsJsonObject().getAsJsonObject(meta).get("name").getAsString()));
        return names;
    }

    /** The node's lease renewed, and not longer ago than the lease's duration (40 s). */
    private static boolean leaseAgeWithinDuration(List<PrometheusText.Sample> samples, String node) {
        List<PrometheusText.Sample> series = samples.stream().filter(s -> s.name().equals("vk_node_lease_age_seconds")
                && node.equals(s.labels().get("node"))).toList();
        return series.size() == 1 && series.get(0).value() >= 0
                && series.get(0).value() < NodeDefaults.LEASE_DURATION.toSeconds();
    }

}
