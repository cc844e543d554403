package dev.vkubelet.core.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mock plugin, loaded through PF4J, adds its own spans under the host's span for each provider
 * call, as much as the granularity allows; spans reach the file exporter with the always-present tags.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class PluginTracingIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> spans(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(new Gson().fromJson(line, Map.class));
        }
        return out;
    }

    private static Optional<Map<String, Object>> named(List<Map<String, Object>> spans, String name, String pod) {
        return spans.stream().filter(s -> name.equals(s.get("name")))
                .filter(s -> pod == null || String.valueOf(s.get("attributes")).contains(pod)).findFirst();
    }

    /** The host's createPod span of {@code pod} and the pod.sync span it nests in, once both are exported. */
    private static Optional<Map<String, Object>> hostSpanWithParent(List<Map<String, Object>> spans, String pod) {
        return named(spans, "provider.PodLifecycleHandler.createPod", pod).filter(host -> spans.stream()
                .anyMatch(s -> "pod.sync".equals(s.get("name")) && s.get("spanId").equals(host.get("parentSpanId"))));
    }

    /**
     * Runs a node agent at {@code granularity} exporting to {@code file}, creates a pod, and returns
     * every exported span once the host's createPod span of that pod and its parent are exported
     * (and so everything that ended before them), while the agent still runs.
     */
    private List<Map<String, Object>> runPod(LocalControlPlane plane, String granularity, Path file, String pod)
            throws Exception {
        String node = Names.unique("vk-trace");
        Path mockConfig = Files.writeString(dir.resolve(node + ".json"),
                "{\"" + node + "\": {\"runningDelay\": \"100ms\"}}");
        NodeOptions options = new NodeOptions(Map.of("VK_TRACE_FILE", file.toString()), Path.of("/nonexistent"),
                Optional.empty());
        com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse("--provider", "mock",
                "--nodename", node, "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins"),
                "--kubeconfig", plane.nodeKubeconfig(node).toString(), "--provider-config", mockConfig.toString(),
                "--trace-exporter", "file", "--trace-sample-rate", "always", "--trace-granularity", granularity,
                "--trace-tag", "suite=tracing", "--metrics-addr", "127.0.0.1:0", "--listen-port", "0");
        CoreV1Api admin = new CoreV1Api(plane.adminClient());
        try (VirtualKubelet agent = new VirtualKubelet(options.toRunConfig(), UnaryOperator.identity(),
                UnaryOperator.identity())) {
            agent.start();
            admin.createNamespacedPod("default", new V1Pod().metadata(new V1ObjectMeta().name(pod))
                    .spec(new V1PodSpec().overhead(null).nodeName(node).containers(List.of(
                            new V1Container().name("app").image("busybox:1.36"))))).execute();
            return Await.until(WAIT, "host span for createPod of " + pod + " and its parent exported", () -> {
                try {
                    List<Map<String, Object>> spans = spans(file);
                    return hostSpanWithParent(spans, pod).map(s -> spans);
                } catch (Exception e) {
                    return Optional.empty();
                }
            });
        } finally {
            admin.deleteNamespacedPod(pod, "default").gracePeriodSeconds(0).execute();
            admin.deleteNode(node).execute();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void atFineThePluginsStepsNestUnderTheHostsSpan(LocalControlPlane plane) throws Exception {
        Path file = dir.resolve("fine.jsonl");
        String pod = Names.unique("traced");
        List<Map<String, Object>> spans = runPod(plane, "fine", file, pod);
        Map<String, Object> host = hostSpanWithParent(spans, pod).orElseThrow();
        Map<String, Object> plugin = spans.stream().filter(s -> "mock.createPod".equals(s.get("name")))
                .filter(s -> host.get("spanId").equals(s.get("parentSpanId"))).findFirst()
                .orElseThrow(() -> new AssertionError("no mock.createPod under " + host));
        assertEquals(host.get("traceId"), plugin.get("traceId"));
        Map<String, Object> wait = spans.stream().filter(s -> "mock.scheduleRunning".equals(s.get("name")))
                .filter(s -> plugin.get("spanId").equals(s.get("parentSpanId"))).findFirst()
                .orElseThrow(() -> new AssertionError("no mock.scheduleRunning under " + plugin));
        assertEquals(plugin.get("traceId"), wait.get("traceId"));
        Map<String, Object> attributes = (Map<String, Object>) host.get("attributes");
        assertEquals("mock", attributes.get("provider"));
        assertEquals("createPod", attributes.get("operation"));
        assertEquals("linux", attributes.get("os"));
        assertEquals("tracing", attributes.get("suite"));
        assertTrue(String.valueOf(attributes.get("node")).startsWith("vk-trace"));
        Map<String, Object> sync = spans.stream().filter(s -> host.get("parentSpanId").equals(s.get("spanId")))
                .findFirst().orElseThrow(() -> new AssertionError("no parent of the provider span"));
        assertEquals("pod.sync", sync.get("name"));
        assertEquals("sync", ((Map<String, Object>) sync.get("attributes")).get("queue"));
    }

    @Test
    void atNormalThePluginsStepsAreRecordedButNotItsWaits(LocalControlPlane plane) throws Exception {
        Path file = dir.resolve("normal.jsonl");
        String pod = Names.unique("traced");
        List<Map<String, Object>> spans = runPod(plane, "normal", file, pod);
        Map<String, Object> host = hostSpanWithParent(spans, pod).orElseThrow();
        Map<String, Object> plugin = spans.stream().filter(s -> "mock.createPod".equals(s.get("name")))
                .filter(s -> host.get("spanId").equals(s.get("parentSpanId"))).findFirst()
                .orElseThrow(() -> new AssertionError("no mock.createPod under " + host));
        assertFalse(spans.stream().anyMatch(s -> "mock.scheduleRunning".equals(s.get("name"))
                && plugin.get("spanId").equals(s.get("parentSpanId"))), "a fine span was recorded at normal");
    }

    @Test
    void atCoarseOnlyTheHostsSpanIsRecorded(LocalControlPlane plane) throws Exception {
        Path file = dir.resolve("coarse.jsonl");
        String pod = Names.unique("traced");
        List<Map<String, Object>> spans = runPod(plane, "coarse", file, pod);
        Map<String, Object> host = hostSpanWithParent(spans, pod).orElseThrow();
        // OpenCensus exports to every registered exporter in batches, so spans of an earlier test's
        // agent may land in this file: look at this trace only
        Object trace = host.get("traceId");
        assertFalse(spans.stream().filter(s -> trace.equals(s.get("traceId")))
                .anyMatch(s -> String.valueOf(s.get("name")).startsWith("mock.")), "plugin spans recorded at coarse");
    }
}
