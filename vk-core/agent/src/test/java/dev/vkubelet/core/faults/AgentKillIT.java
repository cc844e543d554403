package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent, a process of its own, SIGKILLed with pods running and started again: no pod is
 * created or deleted again in the provider (the mock keeps its pods in a state file, as a real
 * backend keeps its containers), what changed meanwhile is caught up (a pod deleted, a status
 * overwritten), and every other pod keeps running.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class AgentKillIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PodClusterFixture cluster;
    private LocalControlPlane plane;
    private final List<Process> agents = new ArrayList<>();

    @BeforeEach
    void cluster(LocalControlPlane plane) throws Exception {
        this.plane = plane;
        cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        for (Process agent : agents) {
            agent.destroyForcibly().waitFor();
        }
        cluster.close();
    }

    private Process startAgent(Path config, int run) throws Exception {
        Process agent = AgentProcess.start(List.of("--provider", "mock", "--nodename", cluster.node(),
                "--provider-config", config.toString(), "--kubeconfig", plane.nodeKubeconfig(cluster.node()).toString(),
                "--plugin-dir", AgentProcess.plugins().toString(), "--client-ca-file", plane.caCertificate().toString(),
                "--listen-port", "0", "--metrics-addr="), dir.resolve("agent-" + run + ".log"));
        agents.add(agent);
        return agent;
    }

    private V1Pod awaitRunning(String name) {
        return Await.until(WAIT, "pod " + name + " Running", () -> cluster.read(name)
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
    }

    @Test
    void aKilledAgentComesBackWithoutRecreatingOrLosingPods() throws Exception {
        Path state = dir.resolve("mock-pods.json");
        Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {stateFile: '" + state + "'}\n");
        Process first = startAgent(config, 1);
        Map<String, String> uids = new java.util.HashMap<>();
        for (int i = 0; i < 10; i++) {
            uids.put("pod-" + i, cluster.create("pod-" + i).getMetadata().getUid());
        }
        for (int i = 0; i < 10; i++) {
            awaitRunning("pod-" + i);
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook runs
        if (!first.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the agent did not die");
        }

        cluster.admin().deleteNamespacedPod("pod-0", cluster.namespace()).execute();
        V1Pod overwritten = cluster.read("pod-1").orElseThrow();
        overwritten.setStatus(new V1PodStatus().phase("Pending"));
        cluster.admin().replaceNamespacedPodStatus("pod-1", cluster.namespace(), overwritten).execute();
        assertEquals("Pending", cluster.read("pod-1").orElseThrow().getStatus().getPhase());

        startAgent(config, 2);
        Await.until(WAIT, "pod-0 deleted", () -> cluster.read("pod-0").isEmpty());
        awaitRunning("pod-1");
        for (int i = 2; i < 10; i++) {
            awaitRunning("pod-" + i);
        }
        Journal journal = Journal.read(state);
        for (int i = 0; i < 10; i++) {
            String uid = uids.get("pod-" + i);
            assertEquals(1L, journal.count("create").getOrDefault(uid, 0L), "pod-" + i + " creations in the provider");
            assertEquals(i == 0 ? 1L : 0L, journal.count("delete").getOrDefault(uid, 0L),
                    "pod-" + i + " deletions in the provider");
        }
        assertEquals(11, journal.entries().size(), "ten creations and one deletion; the journal: " + journal.entries().stream()
                .map(e -> String.join(" ", e)).toList());
        try {
            cluster.admin().readNode(cluster.node()).execute();
        } catch (ApiException e) {
            throw new AssertionError("the node is gone: HTTP " + e.getCode(), e);
        }
    }
}
