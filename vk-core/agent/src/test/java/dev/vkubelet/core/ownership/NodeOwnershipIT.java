package dev.vkubelet.core.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.kube.KubeLeaseClient;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replicas share a node set through real Leases: even split, takeover after a death, hand-over on stop. */
@ExtendWith(LocalControlPlaneExtension.class)
class NodeOwnershipIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration RENEW = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** What one replica serves, as its listener heard it. */
    private static final class Serving implements NodeOwnership.Listener {
        final Set<String> nodes = ConcurrentHashMap.newKeySet();

        @Override
        public void acquired(String node) {
            assertTrue(nodes.add(node), "acquired " + node + " twice");
        }

        @Override
        public java.util.concurrent.CompletionStage<?> lost(String node) {
            assertTrue(nodes.remove(node), "lost " + node + " it did not hold");
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void replicasSplitTheNodesTakeOverADeadOnesAndGetAStoppedOnesAtOnce(LocalControlPlane plane) throws Exception {
        ApiClient client = plane.adminClient();
        String namespace = Names.unique("owners");
        new CoreV1Api(client).createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace)))
                .execute();
        Set<String> nodes = Set.copyOf(IntStream.range(0, 6).mapToObj(i -> "vk-shared-" + i).toList());
        KubeLeaseClient leases = new KubeLeaseClient(client);
        Serving a = new Serving();
        Serving b = new Serving();
        NodeOwnership first = ownership(leases, namespace, "replica-a", nodes, a);
        NodeOwnership second = ownership(leases, namespace, "replica-b", nodes, b);
        first.start();
        second.start();
        try {
            Await.until(WAIT, "three nodes each", () -> a.nodes.size() == 3 && b.nodes.size() == 3
                    && first.owned().equals(a.nodes) && second.owned().equals(b.nodes));
            Set<String> union = new HashSet<>(a.nodes);
            union.addAll(b.nodes);
            assertEquals(nodes, union, "every node served, none twice");
            assertEquals(nodes.size() + 2, new CoordinationV1Api(client).listNamespacedLease(namespace).execute()
                    .getItems().size(), "one lease per node and one per replica");
            V1Lease sample = leases.get(namespace, first.nodeLeaseName(a.nodes.iterator().next())).orElseThrow();
            assertEquals("replica-a", sample.getSpec().getHolderIdentity());

            // replica b dies: its nodes move to a once their leases have not changed for a lease duration
            long died = System.nanoTime();
            second.abandon();
            Await.until(WAIT, "a serves all six after b died", () -> a.nodes.size() == 6);
            Duration took = Duration.ofNanos(System.nanoTime() - died);
            assertTrue(took.compareTo(LEASE) >= 0, "b's nodes moved before their leases ran out: " + took);
            assertTrue(took.compareTo(LEASE.plus(RENEW).plus(RENEW).plus(Duration.ofSeconds(2))) < 0,
                    "b's nodes took longer than one lease duration and two rounds to move: " + took);

            // replica c joins and takes half, then stops gracefully: a has them back without waiting for expiry
            Serving c = new Serving();
            NodeOwnership third = ownership(leases, namespace, "replica-c", nodes, c);
            third.start();
            Await.until(WAIT, "c takes its share", () -> c.nodes.size() == 3 && a.nodes.size() == 3);
            long stopped = System.nanoTime();
            third.close();
            assertEquals(Set.of(), c.nodes, "a stopped replica's listener hears every node go");
            Await.until(WAIT, "a serves all six after c stopped", () -> a.nodes.size() == 6);
            Duration handOver = Duration.ofNanos(System.nanoTime() - stopped);
            assertTrue(handOver.compareTo(LEASE) < 0, "a graceful stop waited for the leases to expire: " + handOver);
        } finally {
            first.close();
            second.close();
        }
    }

    private static NodeOwnership ownership(KubeLeaseClient leases, String namespace, String replica, Set<String> nodes,
            NodeOwnership.Listener listener) {
        return new NodeOwnership(leases, new NodeOwnership.Settings(namespace, "fleet", replica, LEASE, RENEW), nodes,
                listener);
    }
}
