package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.ownership.NodeOwnership;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --share-nodes}: replicas started with the same node set split it through Leases, a
 * stopping replica hands its nodes over before it goes, a killed one's nodes are taken over once
 * its lease runs out, and a node that changes hands adopts its pods: the mock keeps each node's
 * pods in a state file (as a real backend keeps its containers) and journals every creation, so a
 * pod created twice in the backend shows.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class ReplicasIT {

    /** Six nodes: two replicas split them three and three, three replicas two, two and two. */
    private static final int NODES = 6;
    private static final int PODS = 12;
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private LocalControlPlane plane;
    private PodClusterFixture cluster;
    private List<String> names;
    private Path config;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void cluster(LocalControlPlane plane) throws Exception {
        this.plane = plane;
        cluster = new PodClusterFixture(plane);
        names = IntStream.range(0, NODES).mapToObj(i -> cluster.node() + "-" + i).toList();
        StringBuilder yaml = new StringBuilder();
        for (String name : names) {
            yaml.append(name).append(": {stateFile: '").append(state(name)).append("'}\n");
        }
        config = Files.writeString(dir.resolve("mock.yaml"), yaml.toString());
    }

    @AfterEach
    void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        cluster.close();
        for (String name : names) {
            try {
                cluster.admin().deleteNode(name).execute();
            } catch (ApiException e) {
                // never registered
            }
        }
    }

    private Path state(String node) {
        return dir.resolve("state-" + node + ".json");
    }

    private List<String> flags(String replica) throws Exception {
        return List.of("--node-count", Integer.toString(NODES), "--share-nodes", "--replica-id", replica,
                "--ownership-lease-duration", LEASE.toSeconds() + "s", "--provider-config", config.toString(),
                // one identity for every node: the manifests' role, as the Deployment's service account has
                "--kubeconfig", plane.roleKubeconfig("vk-replicas-" + cluster.node()).toString());
    }

    /** Each node's ownership lease holder (null when free), by node name. */
    private Map<String, String> holders() {
        Map<String, String> holders = new HashMap<>();
        List<V1Lease> leases;
        try {
            leases = new CoordinationV1Api(plane.adminClient()).listNamespacedLease("kube-node-lease")
                    .labelSelector(NodeOwnership.KIND_LABEL + "=node").execute().getItems();
        } catch (ApiException e) {
            throw new IllegalStateException("cannot list the ownership leases: HTTP " + e.getCode(), e);
        }
        for (V1Lease lease : leases) {
            String node = lease.getMetadata().getAnnotations().get(NodeOwnership.NODE_ANNOTATION);
            if (names.contains(node)) {
                holders.put(node, lease.getSpec().getHolderIdentity());
            }
        }
        return holders;
    }


    /** The kubelet API port the node advertises; -1 while it cannot be read. */
    private int advertisedPort(String node) {
        try {
            return cluster.admin().readNode(node).execute().getStatus().getDaemonEndpoints().getKubeletEndpoint()
                    .getPort();
        } catch (ApiException e) {
            return -1;
        }
    }

    /** Two pods on each node; their uids by name. */
    private Map<String, String> createPods() throws Exception {
        Map<String, String> uids = new HashMap<>();
        for (int i = 0; i < PODS; i++) {
            V1Pod pod = PodClusterFixture.pod("pod-" + i);
            pod.getSpec().nodeName(names.get(i % NODES));
            pod.getMetadata().namespace(cluster.namespace());
            uids.put("pod-" + i, cluster.admin().createNamespacedPod(cluster.namespace(), pod).execute()
                    .getMetadata().getUid());
        }
        for (int i = 0; i < PODS; i++) {
            cluster.awaitRunning("pod-" + i);
        }
        return uids;
    }

    /** Every pod Running, created once in its node's backend and never deleted there. */
    private void assertCreatedOnceAndRunning(Map<String, String> uids) throws Exception {
        for (int i = 0; i < PODS; i++) {
            cluster.awaitRunning("pod-" + i);
        }
        Map<String, Long> created = new HashMap<>();
        Map<String, Long> deleted = new HashMap<>();
        for (String name : names) {
            Journal journal = Journal.read(state(name));
            journal.count("create").forEach((uid, n) -> created.merge(uid, n, Long::sum));
            journal.count("delete").forEach((uid, n) -> deleted.merge(uid, n, Long::sum));
        }
        for (Map.Entry<String, String> pod : uids.entrySet()) {
            assertEquals(1L, created.getOrDefault(pod.getValue(), 0L), pod.getKey() + " creations in the backend");
            assertEquals(0L, deleted.getOrDefault(pod.getValue(), 0L), pod.getKey() + " deletions in the backend");
        }
    }

    @Test
    void replicasSplitTheNodesAndAStoppingOneHandsItsNodesOverWithTheirPods() throws Exception {
        VirtualKubelet a = cluster.startMock(flags("replica-a").toArray(String[]::new));
        Await.until(WAIT, "replica-a serving every node", () -> a.servedNodes().size() == NODES);
        for (String name : names) {
            Await.until(WAIT, name + " Ready", () -> PodClusterFixture.readyNode(cluster.admin(), name));
        }
        Map<String, String> uids = createPods();

        VirtualKubelet b = cluster.startMock(flags("replica-b").toArray(String[]::new));
        Await.until(WAIT, "the nodes split evenly between two replicas", () -> a.servedNodes().size() == NODES / 2
                && b.servedNodes().size() == NODES / 2);
        Set<String> onB = b.servedNodes();
        assertTrue(java.util.Collections.disjoint(a.servedNodes(), onB), a.servedNodes() + " and " + onB);
        Await.until(WAIT, "the leases naming the replica that serves each node", () -> {
            Map<String, String> holders = holders();
            return names.stream().allMatch(n -> (onB.contains(n) ? "replica-b" : "replica-a").equals(holders.get(n)));
        });
        for (String node : onB) {
            int port = b.kubeletApiAddresses().get(node).getPort();
            Await.until(WAIT, node + " advertising replica-b's port", () -> advertisedPort(node) == port);
        }
        // through the API server to the kubelet API of replica-b, as kubectl logs goes
        String podOnB = IntStream.range(0, PODS).mapToObj(i -> "pod-" + i)
                .filter(p -> onB.contains(names.get(Integer.parseInt(p.substring(4)) % NODES))).findFirst()
                .orElseThrow();
        String logs = cluster.admin().readNamespacedPodLog(podOnB, cluster.namespace()).container("app").execute();
        assertTrue(logs != null && !logs.isEmpty(), "no logs of " + podOnB + " through replica-b");
        assertCreatedOnceAndRunning(uids);

        Set<String> onA = a.servedNodes();
        cluster.stop(a);
        Map<String, String> after = holders();
        for (String node : onA) {
            assertNotEquals("replica-a", after.get(node), "replica-a left " + node + "'s lease to expire");
        }
        Await.until(WAIT, "replica-b serving every node", () -> b.servedNodes().size() == NODES);
        for (String node : onA) {
            int port = b.kubeletApiAddresses().get(node).getPort();
            Await.until(WAIT, node + " advertising replica-b's port", () -> advertisedPort(node) == port);
            Await.until(WAIT, node + " Ready", () -> PodClusterFixture.readyNode(cluster.admin(), node));
        }
        assertCreatedOnceAndRunning(uids);

        // a pod deleted after the hand-over is deleted by its new replica
        cluster.admin().deleteNamespacedPod("pod-0", cluster.namespace()).execute();
        Await.until(WAIT, "pod-0 gone", () -> cluster.read("pod-0").isEmpty());
        long deletions = names.stream().mapToLong(n -> {
            try {
                return Journal.read(state(n)).count("delete").getOrDefault(uids.get("pod-0"), 0L);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).sum();
        assertEquals(1L, deletions, "pod-0 deletions in the backend");
    }

    private Process startProcess(String replica) throws Exception {
        List<String> args = new ArrayList<>(List.of("--provider", "mock", "--nodename", cluster.node(),
                "--plugin-dir", AgentProcess.plugins().toString(), "--client-ca-file", plane.caCertificate().toString(),
                "--listen-port", "0", "--metrics-addr="));
        args.addAll(flags(replica));
        Process process = AgentProcess.start(args, dir.resolve(replica + ".log"));
        processes.add(process);
        return process;
    }

    private long held(Map<String, String> holders, String replica) {
        return holders.values().stream().filter(replica::equals).count();
    }

    @Test
    void threeReplicasSplitTheNodesEvenlyAndAKilledOnesNodesMoveWhenItsLeaseRunsOutWithoutRecreates()
            throws Exception {
        Process a = startProcess("replica-a");
        try {
            Await.until(WAIT, "replica-a holding every node", () -> held(holders(), "replica-a") == NODES);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; its log:\n" + Files.readString(dir.resolve("replica-a.log")), e);
        }
        for (String name : names) {
            Await.until(WAIT, name + " Ready", () -> PodClusterFixture.readyNode(cluster.admin(), name));
        }
        Map<String, String> uids = createPods();
        startProcess("replica-b");
        startProcess("replica-c");
        Await.until(WAIT, "the nodes split evenly between three replicas", () -> {
            Map<String, String> holders = holders();
            return List.of("replica-a", "replica-b", "replica-c").stream()
                    .allMatch(r -> held(holders, r) == NODES / 3);
        });
        Map<String, String> split = holders();
        Map<String, Integer> portsOfA = new HashMap<>();
        for (String node : names) {
            if ("replica-a".equals(split.get(node))) {
                portsOfA.put(node, advertisedPort(node));
            }
        }

        a.destroyForcibly(); // SIGKILL: no hand-over
        long killed = System.nanoTime();
        if (!a.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("replica-a did not die");
        }
        Await.until(WAIT, "replica-b and replica-c holding every node", () -> {
            Map<String, String> holders = holders();
            return held(holders, "replica-b") + held(holders, "replica-c") == NODES;
        });
        Duration moved = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("ReplicasIT: replica-a's nodes moved %d ms after the kill (lease %d ms)%n", moved.toMillis(),
                LEASE.toMillis());
        // the others saw replica-a's last renewal within a look (100 ms) of it, at most a renew
        // interval (1 s) before the kill; its lease runs out one duration later and the look that finds
        // it so takes the nodes at once: within one duration of the kill, plus that look, the round and
        // this poll. A quarter duration of slack for three JVMs and a control plane on two cores.
        Duration limit = LEASE.plus(LEASE.dividedBy(4));
        assertTrue(moved.compareTo(limit) <= 0, "replica-a's nodes moved " + moved.toMillis()
                + " ms after the kill; the lease duration is " + LEASE.toMillis() + " ms");
        for (Map.Entry<String, Integer> node : portsOfA.entrySet()) {
            Await.until(WAIT, node.getKey() + " advertising another replica's port", () -> {
                int port = advertisedPort(node.getKey());
                return port != node.getValue() && port > 0;
            });
            Await.until(WAIT, node.getKey() + " Ready", () -> PodClusterFixture.readyNode(cluster.admin(), node.getKey()));
        }
        assertCreatedOnceAndRunning(uids);
        assertEquals(new HashSet<>(names), holders().keySet());
    }
}
