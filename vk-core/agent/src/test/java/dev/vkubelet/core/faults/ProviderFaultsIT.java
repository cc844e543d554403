package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mock provider with faults injected (the real plugin, through its configuration): retriable
 * errors, unexpected exceptions, calls that hang, malformed statuses and latency. Every pod must
 * converge, hanging calls time out, the pod that always hangs delays nobody else, and nothing
 * malformed reaches the API server.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class ProviderFaultsIT {

    private static final Duration CONVERGE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void everyPodConvergesDespiteErrorsBugsHangsAndGarbage(LocalControlPlane plane) throws Exception {
        try (PodClusterFixture cluster = new PodClusterFixture(plane)) {
            Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + """
                    :
                      pods: "100"
                      faults:
                        - {pods: "stuck", hangRate: 1, hangFor: 1h}
                        - {pods: "chaos-.*", errorRate: 0.3, exceptionRate: 0.05, garbageRate: 0.2, hangRate: 0.03,
                           hangFor: 1h, latency: 0ms-30ms}
                    """);
            try (PodWatch watch = new PodWatch(cluster.plane(), cluster.namespace())) {
                cluster.startMock("--provider-config", config.toString(), "--provider-timeout", "2s",
                        "--pod-sync-workers", "4");
                cluster.create("stuck");
                for (int i = 0; i < 40; i++) {
                    cluster.create("chaos-" + i);
                }
                for (int i = 0; i < 40; i++) {
                    String name = "chaos-" + i;
                    Await.until(CONVERGE, "pod " + name + " Running", () -> cluster.read(name)
                            .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
                }
                CoreV1Event timedOut = cluster.awaitEvent("stuck", "ProviderCreateFailed");
                assertTrue(timedOut.getMessage().contains("timed out after 2 s"), timedOut.getMessage());
                assertFalse(cluster.read("stuck").map(p -> "Running".equals(p.getStatus().getPhase())).orElse(false));

                for (int i = 0; i < 10; i++) {
                    cluster.admin().deleteNamespacedPod("chaos-" + i, cluster.namespace()).execute();
                }
                for (int i = 0; i < 10; i++) {
                    String name = "chaos-" + i;
                    Await.until(CONVERGE, "pod " + name + " gone", () -> cluster.read(name).isEmpty());
                }
                // the workers survived the injected exceptions: pods without faults still run at once
                for (int i = 0; i < 5; i++) {
                    cluster.create("after-" + i);
                }
                for (int i = 0; i < 5; i++) {
                    cluster.awaitRunning("after-" + i);
                }
                assertFalse(watch.phases().contains("Bogus"), "a malformed status was written: " + watch.phases());
                assertTrue(watch.phases().contains("Running"), "the watch saw nothing: " + watch.phases());
            }
        }
    }
}
