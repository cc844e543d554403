package dev.vkubelet.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.launcher.Launcher;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.providers.CloudPods;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.RetriableException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code virtual-kubelet bench} against nodes of the local control plane. */
@ExtendWith(LocalControlPlaneExtension.class)
class BenchIT {

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    BenchIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    /** Runs {@code virtual-kubelet bench} against the fixture's node; returns the JSON result. */
    private JsonObject bench(String... flags) throws Exception {
        Path json = dir.resolve("result-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("bench", "--kubeconfig", cluster.plane().adminKubeconfig()
                .toString(), "--nodename", cluster.node(), "--namespace", cluster.namespace() + "-bench", "--json",
                json.toString()));
        args.addAll(List.of(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Launcher.cli(Map.of(), dir, Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, NO_NODE, NO_LOCAL).run(args.toArray(String[]::new));
        assertEquals(Cli.OK, status, out.toString(StandardCharsets.UTF_8));
        return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    }

    private static void assertSane(JsonObject phase, int completed) {
        assertEquals(completed, phase.get("completed").getAsInt(), phase.toString());
        double p50 = phase.get("p50Millis").getAsDouble();
        double p90 = phase.get("p90Millis").getAsDouble();
        double p99 = phase.get("p99Millis").getAsDouble();
        double max = phase.get("maxMillis").getAsDouble();
        assertTrue(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max && max < 60_000, phase.toString());
        assertTrue(phase.get("perSecond").getAsDouble() > 0, phase.toString());
    }

    @Test
    void aMockNodeRunsTheWholeWorkload() throws Exception {
        cluster.startMock();
        JsonObject result = bench("--pods", "8", "--rate", "20", "--containers", "2", "--env", "3", "--ports", "1",
                "--logs");
        assertEquals("mock", result.get("provider").getAsString());
        assertEquals(8, result.get("pods").getAsInt());
        assertSane(result.getAsJsonObject("create"), 8);
        assertSane(result.getAsJsonObject("delete"), 8);
        assertEquals(8, result.get("logsRead").getAsInt());
        assertEquals(0, result.getAsJsonArray("failures").size(), result.toString());
    }

    @Test
    void jobsAreAwaitedToTheirFinalPhase() throws Exception {
        cluster.start(Map.of(), "aws", "--provider-config", CloudPods.config(dir, """
                cluster: bench
                subnets: [subnet-it]
                pollInterval: 200ms
                emulator:
                  timeScale: 0.005
                """));
        JsonObject result = bench("--pods", "3", "--job-exit", "3", "--job-seconds", "0", "--keep-pods");
        assertEquals("aws", result.get("provider").getAsString());
        assertSane(result.getAsJsonObject("create"), 3);
        assertEquals(0, result.getAsJsonArray("failures").size(), result.toString());
        // awaited to the end: each job failed with its command's exit code, and the bench counted it done
        var pods = cluster.admin().listNamespacedPod(cluster.namespace() + "-bench").execute().getItems();
        assertEquals(3, pods.size());
        for (var pod : pods) {
            assertEquals("Failed", pod.getStatus().getPhase(), pod.getMetadata().getName() + ": " + pod.getStatus());
            var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
            assertEquals(3, terminated.getExitCode(), pod.getMetadata().getName() + ": " + pod.getStatus());
        }
    }

    @Test
    void localModeStartsItsOwnControlPlaneAndNode() throws Exception {
        Path json = dir.resolve("local.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Launcher.cli(System.getenv(), dir, Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, NO_NODE, NO_LOCAL).run("bench", "--local", "--provider", "mock",
                "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins"), "--pods", "5", "--json",
                json.toString(), "--agent-arg=--kube-api-qps=50");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Cli.OK, status, text);
        assertTrue(text.contains("bench: 5 pods on node virtual-kubelet (provider mock)"), text);
        String settings = "--pod-sync-workers 10, --kube-api-qps 50, --kube-api-burst 10, --event-qps 5, --event-burst 10,"
                + " --trace-sample-rate default; JVM ";
        assertTrue(text.contains("\nsettings: " + settings), "the bench does not state what it used: " + text);
        JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertTrue(result.get("settings").getAsString().startsWith(settings), result.toString());
        assertSane(result.getAsJsonObject("create"), 5);
        assertSane(result.getAsJsonObject("delete"), 5);
    }

    @Test
    void localModeSpreadsPodsOverTheNodesOfOneProcess() throws Exception {
        Path json = dir.resolve("nodes.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Launcher.cli(System.getenv(), dir, Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, NO_NODE, NO_LOCAL).run("bench", "--local", "--provider", "mock", "--nodename", "fleet",
                "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins"), "--nodes", "3", "--pods", "6",
                "--json", json.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Cli.OK, status, text);
        assertTrue(text.contains("bench: 6 pods on nodes fleet-0..fleet-2 (provider mock)"), text);
        JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertSane(result.getAsJsonObject("create"), 6);
        assertSane(result.getAsJsonObject("delete"), 6);
        assertEquals(0, result.getAsJsonArray("failures").size(), result.toString());
    }

    @Test
    void aFailingProviderEndsInFailuresNotAHang() throws Exception {
        cluster.startEmbedded(new PodLifecycleHandler() {
            @Override
            public void createPod(V1Pod pod) {
                throw new RetriableException("the backend is down");
            }

            @Override
            public void updatePod(V1Pod pod) {
                throw new NotFoundException("no pods here");
            }

            @Override
            public void deletePod(V1Pod pod) {
                throw new NotFoundException("no pods here");
            }

            @Override
            public Optional<V1Pod> getPod(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public List<V1Pod> getPods() {
                return List.of();
            }
        });
        JsonObject result = bench("--pods", "3", "--timeout", "4s");
        assertEquals(0, result.getAsJsonObject("create").get("completed").getAsInt());
        assertEquals(3, result.getAsJsonObject("create").get("failed").getAsInt());
        assertEquals(3, result.getAsJsonArray("failures").size(), result.toString());
        String reason = result.getAsJsonArray("failures").get(0).getAsJsonObject().get("reason").getAsString();
        assertTrue(reason.contains("ProviderFailed") && reason.contains("the backend is down"), reason);
        assertEquals(3, result.getAsJsonObject("delete").get("completed").getAsInt(), "the pods are still deleted");
    }

    /** The launcher's runners, never used by {@code bench}: it starts no node of its own through them. */
    private static final Cli.Runner NO_NODE = config -> {
        throw new AssertionError("bench must not start a node through the command line's runner");
    };
    private static final Launcher.LocalRunner NO_LOCAL = config -> {
        throw new AssertionError("bench must not start a local node through the command line's runner");
    };
}
