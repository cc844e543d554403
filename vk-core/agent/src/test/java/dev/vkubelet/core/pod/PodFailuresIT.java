package dev.vkubelet.core.pod;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static dev.vkubelet.core.pod.PodClusterFixture.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Providers that fail, hang, or outlive the node agent, against a real kube-apiserver. */
@ExtendWith(LocalControlPlaneExtension.class)
class PodFailuresIT {

    private final PodClusterFixture cluster;

    PodFailuresIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    @Test
    void createFailingSeveralTimesEndsRunningWithTheErrorShownMeanwhile() throws Exception {
        InMemoryProvider backend = new InMemoryProvider(true);
        cluster.startEmbedded(backend);
        V1Pod pod = pod("flaky");
        pod.getMetadata().putLabelsItem("fail-create", "4");
        V1Pod created = cluster.create(pod);
        cluster.awaitEvent("flaky", "ProviderCreateFailed");
        cluster.awaitRunning("flaky");
        assertEquals(1, backend.creates.get(created.getMetadata().getUid()).get());
        assertEquals(null, cluster.read("flaky").orElseThrow().getStatus().getReason());
        cluster.awaitEvent("flaky", "ProviderCreateSuccess");
    }

    @Test
    void aPermanentlyRejectedPodWithRestartPolicyNeverFails() throws Exception {
        cluster.startEmbedded(new InMemoryProvider(true));
        V1Pod pod = pod("rejected");
        pod.getMetadata().putLabelsItem("fail-create", "permanent");
        pod.getSpec().restartPolicy("Never");
        cluster.create(pod);
        V1PodStatus failed = Await.until(WAIT, "pod Failed", () -> cluster.read("rejected").map(V1Pod::getStatus)
                .filter(s -> "Failed".equals(s.getPhase())));
        assertEquals(PodSync.PROVIDER_FAILED, failed.getReason());
        assertTrue(failed.getMessage().contains("cannot run image"), failed.getMessage());
    }

    @Test
    void aRejectedPodThatMayRestartShowsTheReasonAndStaysPending() throws Exception {
        cluster.startEmbedded(new InMemoryProvider(true));
        V1Pod pod = pod("rejected-always");
        pod.getMetadata().putLabelsItem("fail-create", "permanent");
        cluster.create(pod);
        V1PodStatus status = Await.until(WAIT, "ProviderFailed reason", () -> cluster.read("rejected-always")
                .map(V1Pod::getStatus).filter(s -> PodSync.PROVIDER_FAILED.equals(s.getReason())));
        assertEquals("Pending", status.getPhase());
    }

    @Test
    void aProviderWithoutNotificationsIsPolled() throws Exception {
        InMemoryProvider backend = new InMemoryProvider(false);
        cluster.startEmbedded(backend.pollOnly());
        cluster.create(pod("polled"));
        cluster.awaitRunning("polled");
        cluster.admin.deleteNamespacedPod("polled", cluster.namespace).execute();
        Await.until(WAIT, "object removed", () -> cluster.read("polled").isEmpty());
        assertTrue(backend.snapshot().isEmpty());
    }

    @Test
    void aHangingPodDoesNotStopTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryProvider backend = new InMemoryProvider(true);
        PodLifecycleHandler hanging = new DelegatingProvider.Notifying(backend) {
            @Override
            public void createPod(V1Pod pod) {
                if (pod.getMetadata().getName().equals("stuck")) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                }
                super.createPod(pod);
            }
        };
        cluster.startEmbedded(hanging, "--pod-sync-workers", "1");
        cluster.create(pod("stuck"));
        for (int i = 0; i < 3; i++) {
            cluster.create(pod("healthy-" + i));
        }
        for (int i = 0; i < 3; i++) {
            cluster.awaitRunning("healthy-" + i);
        }
        cluster.awaitEvent("stuck", "ProviderCreateFailed");
        release.countDown();
        cluster.awaitRunning("stuck");
    }

    @Test
    void danglingPodsGoAndSharedPodsSurviveARestart() throws Exception {
        InMemoryProvider backend = new InMemoryProvider(true);
        cluster.startEmbedded(backend);
        V1Pod kept = cluster.create(pod("kept"));
        cluster.awaitRunning("kept");
        cluster.stopAgents();

        V1Pod dangling = TestPods.pod(cluster.namespace, "dangling", cluster.node);
        backend.seed(dangling);
        assertEquals(2, backend.snapshot().size());

        cluster.startEmbedded(backend);
        Await.until(WAIT, "dangling pod deleted from the provider",
                () -> !backend.snapshot().containsKey(cluster.namespace + "/dangling"));
        assertTrue(backend.snapshot().containsKey(cluster.namespace + "/kept"));
        assertEquals(1, backend.creates.get(kept.getMetadata().getUid()).get(), "kept pod was re-created");
        assertEquals("Running", cluster.read("kept").orElseThrow().getStatus().getPhase());
        assertEquals(1, backend.snapshot().size());
    }

    @Test
    void podsCreatedAcrossAnApiServerRestartAllRunOnce() throws Exception {
        InMemoryProvider backend = new InMemoryProvider(true);
        cluster.startEmbedded(backend);
        List<String> uids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uids.add(cluster.create(pod("before-" + i)).getMetadata().getUid());
        }
        cluster.plane.stopApiServer();
        cluster.plane.startApiServer();
        for (int i = 0; i < 5; i++) {
            uids.add(cluster.create(pod("after-" + i)).getMetadata().getUid());
        }
        for (int i = 0; i < 5; i++) {
            cluster.awaitRunning("before-" + i);
            cluster.awaitRunning("after-" + i);
        }
        assertEquals(10, backend.snapshot().size());
        for (String uid : uids) {
            assertEquals(1, Optional.ofNullable(backend.creates.get(uid)).map(AtomicInteger::get).orElse(0),
                    "pod " + uid + " created " + backend.creates.get(uid) + " times");
        }
    }
}
