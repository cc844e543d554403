package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An API server that throttles: one mutating and two other requests in flight at a time
 * ({@code --max-requests-inflight}, {@code --max-mutating-requests-inflight}; cluster admins are
 * exempt, the node is not), so the agent gets 429 Too Many Requests. The work must still complete.
 */
class ThrottlingIT {

    private static final int PODS = 40;

    @Test
    void aThrottlingApiServerSlowsTheAgentButEveryPodRuns() throws Exception {
        try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                LocalControlPlane.Options.apiServerOnly().withApiServerFlags("--max-requests-inflight=2",
                        "--max-mutating-requests-inflight=1"));
                PodClusterFixture cluster = new PodClusterFixture(plane)) {
            VirtualKubelet agent = cluster.startMock("--pod-sync-workers", "10");
            for (int i = 0; i < PODS; i++) {
                cluster.create("pod-" + i);
            }
            for (int i = 0; i < PODS; i++) {
                String name = "pod-" + i;
                Await.until(Duration.ofSeconds(120), "pod " + name + " Running", () -> cluster.read(name)
                        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
            }
            Await.until(Duration.ofSeconds(60), "node Ready", () -> {
                try {
                    return cluster.admin().readNode(cluster.node()).execute().getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                } catch (ApiException e) {
                    return false;
                }
            });
            double throttled = AgentMetrics.apiRequests(agent, labels -> labels.contains("code=\"429\""));
            System.out.println("requests answered 429 and redone: " + throttled);
            assertTrue(throttled > 0, "the API server never throttled the agent: the test did not test anything");
        }
    }
}
