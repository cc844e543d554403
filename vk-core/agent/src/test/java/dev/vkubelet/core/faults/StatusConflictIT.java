package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another writer keeps changing the pods (labels, as a controller might) while the agent writes
 * their statuses: the agent's writes hit 409 Conflict, and it must re-read and write again until
 * every pod shows the status the provider reports.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class StatusConflictIT {

    private static final int PODS = 40;
    private static final int RACERS = 4;

    @TempDir
    Path dir;

    @Test
    void statusWritesRacingAnotherWriterEndWithTheProvidersStatus(LocalControlPlane plane) throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {runningDelay: 1s}\n");
            VirtualKubelet agent = cluster.startMock("--provider-config", config.toString());
            AtomicBoolean racing = new AtomicBoolean(true);
            List<Thread> racers = new ArrayList<>();
            for (int r = 0; r < RACERS; r++) {
                int first = r;
                // each racer rewrites its share of the pods, round after round, so every pod changes every few ms
                Thread racer = new Thread(() -> {
                    for (int round = 0; racing.get(); round++) {
                        for (int i = first; i < PODS && racing.get(); i += RACERS) {
                            try {
                                V1Pod pod = cluster.admin().readNamespacedPod("pod-" + i, cluster.namespace())
                                        .execute();
                                pod.getMetadata().putLabelsItem("racer", Integer.toString(round));
                                cluster.admin().replaceNamespacedPod("pod-" + i, cluster.namespace(), pod).execute();
                            } catch (ApiException e) {
                                // not created yet, or this write lost a race itself: go on
                            }
                        }
                    }
                }, "racing-writer-" + r);
                racer.start();
                racers.add(racer);
            }
            try {
                for (int i = 0; i < PODS; i++) {
                    cluster.create("pod-" + i);
                }
                for (int i = 0; i < PODS; i++) {
                    V1Pod running = cluster.awaitRunning("pod-" + i);
                    assertTrue(running.getStatus().getContainerStatuses().stream().allMatch(c -> Boolean.TRUE.equals(
                            c.getReady())), running.getStatus().toString());
                }
            } finally {
                racing.set(false);
                for (Thread racer : racers) {
                    racer.join();
                }
            }
            double conflicts = AgentMetrics.apiRequests(agent,
                    labels -> labels.contains("code=\"409\"") && labels.contains("resource=\"pods/status\""));
            assertTrue(conflicts > 0, "the racing writer caused no conflicts: the test did not test anything");
            System.out.println("status writes refused with 409 and redone: " + conflicts);
        }
    }
}
