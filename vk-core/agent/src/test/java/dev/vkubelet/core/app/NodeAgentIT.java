package dev.vkubelet.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.node.NodeSettings;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The node agent, loaded with the mock plugin from plugins/, against a real kube-apiserver. */
@ExtendWith(LocalControlPlaneExtension.class)
class NodeAgentIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Short intervals so heartbeats and status writes happen many times per test. */
    static final UnaryOperator<NodeSettings> FAST = s -> s.withTimings(NodeDefaults.LEASE_DURATION,
            Duration.ofMillis(300), Duration.ofMillis(700), Duration.ofSeconds(2));

    private final LocalControlPlane plane;
    private final CoreV1Api admin;
    private final List<VirtualKubelet> agents = new ArrayList<>();
    private String node;

    NodeAgentIT(LocalControlPlane plane) {
        this.plane = plane;
        this.admin = new CoreV1Api(plane.adminClient());
    }

    @BeforeEach
    void name() {
        node = Names.unique("vk-it");
    }

    @AfterEach
    void stop() throws ApiException {
        agents.forEach(VirtualKubelet::close);
        try {
            admin.deleteNode(node).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** A config as the CLI makes it from flags and environment, pointed at the node's own credentials. */
    private RunConfig config(Map<String, String> env, String... flags) throws IOException {
        NodeOptions options = new NodeOptions(env, Path.of("/nonexistent-home"), Optional.empty());
        List<String> args = new ArrayList<>(List.of("--provider", "mock", "--nodename", node,
                "--metrics-addr", "127.0.0.1:0", "--listen-port", "0", "--kubeconfig", plane.roleKubeconfig("vk-agent-" + node).toString()));
        args.addAll(List.of(flags));
        if (!args.contains("--plugin-dir")) {
            args.addAll(List.of("--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins")));
        }
        com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse(args.toArray(String[]::new));
        return options.toRunConfig();
    }

    private VirtualKubelet start(RunConfig config) throws Exception {
        VirtualKubelet agent = new VirtualKubelet(config, FAST, UnaryOperator.identity());
        agents.add(agent);
        agent.start();
        return agent;
    }

    private Optional<V1Node> readNode() {
        return PodClusterFixture.found(() -> admin.readNode(node).execute());
    }

    /**
     * The node's taints without the {@code node.kubernetes.io/*} ones the API server's
     * TaintNodesByCondition admission adds (the node lifecycle controller, not run here, removes them).
     */
    private static List<V1Taint> ownTaints(V1Node n) {
        return n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints().stream()
                .filter(t -> !t.getKey().startsWith("node.kubernetes.io/")).toList();
    }

    private static Optional<V1NodeCondition> condition(V1Node n, String type) {
        return n.getStatus() == null || n.getStatus().getConditions() == null ? Optional.empty()
                : n.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private V1Lease lease() throws ApiException {
        return new CoordinationV1Api(plane.adminClient()).readNamespacedLease(node, NodeDefaults.LEASE_NAMESPACE)
                .execute();
    }

    private Optional<V1Lease> findLease() {
        try {
            return Optional.of(lease());
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    private boolean leaseOwnedBy(String uid) {
        return findLease().map(l -> l.getMetadata().getOwnerReferences() != null
                && uid.equals(l.getMetadata().getOwnerReferences().get(0).getUid())).orElse(false);
    }

    @Test
    void registersAReadyNodeWithMockCapacityTaintAndARenewedLease() throws Exception {
        VirtualKubelet agent = start(config(Map.of()));

        V1Node ready = Await.until(WAIT, "node Ready", () -> readNode()
                .filter(n -> condition(n, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false)));
        assertEquals("virtual-kubelet", ready.getMetadata().getLabels().get("type"));
        assertEquals("agent", ready.getMetadata().getLabels().get("kubernetes.io/role"));
        assertEquals(node, ready.getMetadata().getLabels().get("kubernetes.io/hostname"));
        assertEquals(List.of(new V1Taint().key("virtual-kubelet.io/provider").value("mock").effect("NoSchedule")),
                ownTaints(ready));
        assertEquals(new Quantity("20"), ready.getStatus().getCapacity().get("cpu"));
        assertEquals(new Quantity("100Gi"), ready.getStatus().getCapacity().get("memory"));
        assertEquals(new Quantity("20"), ready.getStatus().getAllocatable().get("pods"));
        assertEquals(agent.kubeletApiAddress().orElseThrow().getPort(),
                ready.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort());
        assertTrue(ready.getStatus().getNodeInfo().getKubeletVersion().startsWith("v1.20.2-vk-jvm-"));

        V1Lease first = Await.until(WAIT, "lease", this::findLease);
        assertEquals(node, first.getSpec().getHolderIdentity());
        assertEquals(40, first.getSpec().getLeaseDurationSeconds());
        assertEquals(ready.getMetadata().getUid(), first.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("Node", first.getMetadata().getOwnerReferences().get(0).getKind());
        OffsetDateTime renewed = first.getSpec().getRenewTime();
        Await.until(WAIT, "lease renewed", () -> findLease()
                .filter(l -> l.getSpec().getRenewTime().isAfter(renewed)));
    }

    @Test
    void taintComesFromTheEnvironmentUnlessAFlagSaysOtherwise() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VKUBELET_TAINT_KEY", "example.com/pool");
        env.put("VKUBELET_TAINT_VALUE", "virtual");
        env.put("VKUBELET_TAINT_EFFECT", "NoExecute");
        VirtualKubelet agent = start(config(env));
        assertEquals(List.of(new V1Taint().key("example.com/pool").value("virtual").effect("NoExecute")),
                ownTaints(readNode().orElseThrow()));
        agent.close();

        start(config(env, "--taint", "example.com/pool=flag:PreferNoSchedule"));
        assertEquals(List.of(new V1Taint().key("example.com/pool").value("flag").effect("PreferNoSchedule")),
                ownTaints(readNode().orElseThrow()));
    }

    @Test
    void disabledTaintLeavesTheNodeUntainted() throws Exception {
        start(config(Map.of(), "--disable-taint"));
        assertEquals(List.of(), ownTaints(readNode().orElseThrow()));
    }

    @Test
    void whatOthersSetOnTheNodeSurvivesOurStatusUpdates() throws Exception {
        start(config(Map.of()));
        Await.until(WAIT, "node", () -> readNode().isPresent());

        PatchUtils.patch(V1Node.class, () -> admin.patchNode(node, new V1Patch(
                "{\"metadata\":{\"labels\":{\"owner\":\"ops\"},\"annotations\":{\"audit\":\"2026-11\"}}}"))
                .buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, plane.adminClient());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        PatchUtils.patch(V1Node.class, () -> admin.patchNodeStatus(node, new V1Patch(
                "{\"status\":{\"conditions\":[{\"type\":\"example.com/Audited\",\"status\":\"True\","
                        + "\"reason\":\"Checked\",\"message\":\"by ops\",\"lastHeartbeatTime\":\"" + now
                        + "\",\"lastTransitionTime\":\"" + now + "\"}]}}"))
                .buildCall(null), V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, plane.adminClient());

        OffsetDateTime seen = condition(readNode().orElseThrow(), "Ready").orElseThrow().getLastHeartbeatTime();
        Await.until(WAIT, "two more status writes", () -> condition(readNode().orElseThrow(), "Ready").orElseThrow()
                .getLastHeartbeatTime().isAfter(seen.plusSeconds(1)));

        V1Node after = readNode().orElseThrow();
        assertEquals("ops", after.getMetadata().getLabels().get("owner"));
        assertEquals("2026-11", after.getMetadata().getAnnotations().get("audit"));
        V1NodeCondition audited = condition(after, "example.com/Audited").orElseThrow();
        assertEquals("Checked", audited.getReason());
        assertEquals("True", condition(after, "Ready").orElseThrow().getStatus());
    }

    @Test
    void aDeletedNodeIsRegisteredAgainAndItsLeaseFollows() throws Exception {
        start(config(Map.of()));
        String uid = Await.until(WAIT, "node", () -> readNode()).getMetadata().getUid();
        Await.until(WAIT, "lease owned by the node", () -> leaseOwnedBy(uid));

        admin.deleteNode(node).execute();

        V1Node again = Await.until(WAIT, "node registered again", () -> readNode()
                .filter(n -> !uid.equals(n.getMetadata().getUid())));
        assertNotEquals(uid, again.getMetadata().getUid());
        Await.until(WAIT, "lease owned by the new node", () -> leaseOwnedBy(again.getMetadata().getUid()));
        assertEquals(new Quantity("20"), again.getStatus().getCapacity().get("cpu"));
    }

    @Test
    void restartingTheAgentKeepsTheNodeAndWhatOthersSet() throws Exception {
        VirtualKubelet first = start(config(Map.of()));
        V1Node original = Await.until(WAIT, "node", () -> readNode());
        PatchUtils.patch(V1Node.class, () -> admin.patchNode(node, new V1Patch(
                "{\"metadata\":{\"labels\":{\"owner\":\"ops\"}}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, plane.adminClient());
        first.close();

        start(config(Map.of()));
        V1Node after = readNode().orElseThrow();
        assertEquals(original.getMetadata().getUid(), after.getMetadata().getUid());
        assertEquals("ops", after.getMetadata().getLabels().get("owner"));
    }

    @Test
    void brokenPluginsBesideTheProviderDoNotStopTheNode(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path plugins = java.nio.file.Files.createDirectories(dir.resolve("plugins"));
        java.nio.file.Files.copy(Path.of(System.getProperty("vk.plugins.dir", "target/test-plugins"), "mock-plugin.jar"),
                plugins.resolve("mock-plugin.jar"));
        java.nio.file.Files.writeString(plugins.resolve("garbage.jar"), "not a jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Plugin-Id", "from-the-future");
        manifest.getMainAttributes().putValue("Plugin-Version", "9.0.0");
        manifest.getMainAttributes().putValue("Plugin-Requires", ">=9.0.0");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(
                java.nio.file.Files.newOutputStream(plugins.resolve("future.jar")), manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("README"));
            out.closeEntry();
        }

        VirtualKubelet agent = start(config(Map.of(), "--plugin-dir", plugins.toString()));

        Await.until(WAIT, "node Ready", () -> readNode()
                .filter(n -> condition(n, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false)));
        List<String> broken = agent.plugins().failures().stream().map(f -> f.path().getFileName().toString())
                .sorted().toList();
        assertEquals(List.of("future.jar", "garbage.jar"), broken);
    }

    @Test
    void withoutNodeLeaseNoLeaseIsWritten() throws Exception {
        start(config(Map.of(), "--enable-node-lease", "false"));
        Await.until(WAIT, "node Ready", () -> readNode()
                .filter(n -> condition(n, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false)));
        ApiException missing = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, this::lease);
        assertEquals(404, missing.getCode());
    }
}
