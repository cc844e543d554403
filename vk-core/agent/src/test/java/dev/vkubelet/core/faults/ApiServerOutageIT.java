package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-apiserver stopped for 20 s (etcd keeps its data) and started again while 200 pods are being
 * created and 50 deleted: afterwards every remaining pod runs, every deleted one is gone from the
 * provider, nothing was created twice, and the node is Ready with a fresh lease.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class ApiServerOutageIT {

    private static final int PODS = 200;
    private static final int DELETED = 50;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration CONVERGE = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    /** Does {@code call} until the API server takes it (it may be down); a 404 or 409 counts as done. */
    private static void untilAccepted(String what, ApiCall call) {
        Await.until(CONVERGE, what, () -> {
            try {
                call.run();
                return true;
            } catch (ApiException e) {
                return e.getCode() == 404 || e.getCode() == 409;
            }
        });
    }

    private interface ApiCall {
        void run() throws ApiException;
    }

    @Test
    void podsCreatedAndDeletedAcrossAnOutageEndRightAndOnce(LocalControlPlane plane) throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            Path state = dir.resolve("mock-pods.json");
            Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {pods: \"300\", stateFile: '"
                    + state + "'}\n");
            cluster.startMock("--provider-config", config.toString());

            Map<String, String> uids = new ConcurrentHashMap<>();
            AtomicInteger created = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(3);
            try {
                Future<?> creator = clients.submit(() -> {
                    for (int i = 0; i < PODS; i++) {
                        String name = "pod-" + i;
                        untilAccepted("create " + name, () -> {
                            V1Pod pod = cluster.create(PodClusterFixture.pod(name));
                            uids.put(name, pod.getMetadata().getUid());
                        });
                        created.incrementAndGet();
                    }
                    return null;
                });
                Future<?> deleter = clients.submit(() -> {
                    for (int i = 0; i < DELETED; i++) {
                        String name = "pod-" + (i * 4);
                        Await.until(CONVERGE, "pod " + name + " created", () -> uids.containsKey(name));
                        untilAccepted("delete " + name, () -> cluster.admin().deleteNamespacedPod(name,
                                cluster.namespace()).execute());
                    }
                    return null;
                });
                Await.until(CONVERGE, "60 pods created", () -> created.get() >= 60);
                plane.stopApiServer();
                Thread.sleep(OUTAGE.toMillis()); // the outage itself: the fault under test lasts this long
                plane.startApiServer();
                creator.get();
                deleter.get();
            } finally {
                clients.shutdownNow();
            }

            Set<String> deleted = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < DELETED; i++) {
                deleted.add("pod-" + (i * 4));
            }
            for (int i = 0; i < PODS; i++) {
                String name = "pod-" + i;
                if (deleted.contains(name)) {
                    Await.until(CONVERGE, "pod " + name + " gone", () -> cluster.read(name).isEmpty());
                } else {
                    Await.until(CONVERGE, "pod " + name + " Running", () -> cluster.read(name)
                            .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
                }
            }
            Await.until(CONVERGE, "the provider holds exactly the remaining pods", () -> {
                Journal now;
                try {
                    now = Journal.read(state);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Map<String, Long> deletes = now.count("delete");
                return now.count("create").keySet().stream().filter(uid -> !deletes.containsKey(uid)).count()
                        == PODS - DELETED;
            });
            Journal journal = Journal.read(state);
            List<String> twice = new ArrayList<>();
            journal.count("create").forEach((uid, n) -> {
                if (n > 1) {
                    twice.add(uid + " x" + n);
                }
            });
            assertEquals(List.of(), twice, "pods created more than once in the provider");
            for (String name : deleted) {
                String uid = uids.get(name);
                Long creates = journal.count("create").getOrDefault(uid, 0L);
                assertEquals(creates, journal.count("delete").getOrDefault(uid, 0L),
                        name + ": created " + creates + " times in the provider, deleted otherwise");
            }
            for (int i = 0; i < PODS; i++) {
                String name = "pod-" + i;
                if (!deleted.contains(name)) {
                    assertEquals(1L, journal.count("create").getOrDefault(uids.get(name), 0L), name);
                }
            }

            Await.until(CONVERGE, "node Ready", () -> {
                try {
                    return cluster.admin().readNode(cluster.node()).execute().getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                } catch (ApiException e) {
                    return false;
                }
            });
            V1Lease lease = new CoordinationV1Api(plane.adminClient()).readNamespacedLease(cluster.node(),
                    "kube-node-lease").execute();
            OffsetDateTime renewed = lease.getSpec().getRenewTime();
            assertTrue(renewed.isAfter(OffsetDateTime.now().minusSeconds(lease.getSpec().getLeaseDurationSeconds())),
                    "lease last renewed " + renewed);
        }
    }
}
