package dev.vkubelet.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.plugin.AvailableProvider;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeControllerTest {

    private static final String NODE = "vk-unit";
    private static final V1Taint TAINT = new V1Taint().key(NodeDefaults.TAINT_KEY).value("scripted").effect("NoSchedule");

    private final FakeNodeApi api = new FakeNodeApi();
    private final ScriptedNodeProvider provider = new ScriptedNodeProvider();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    private NodeController controller;

    private NodeController controller(NodeSettings settings) {
        ProviderHandle handle = ProviderHandle.of(new AvailableProvider("scripted", "test", "0", Path.of("test")),
                provider, Tracer.noop());
        controller = new NodeController(settings, api, Optional.of(new NodeLease(api, NODE,
                NodeDefaults.LEASE_DURATION, clock)), handle, Tracer.noop(), clock);
        return controller;
    }

    private static NodeSettings settings() {
        return NodeSettings.of(NODE, "linux", "10.9.8.7", 10250, "scripted", TAINT, true);
    }

    @AfterEach
    void close() {
        if (controller != null) {
            controller.close();
        }
    }

    private V1NodeCondition condition(String type) {
        return api.get(NODE).orElseThrow().getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void registersTheNodeWithLabelsTaintStatusAndDaemonPort() {
        controller(settings()).register();
        V1Node node = api.get(NODE).orElseThrow();
        assertEquals("virtual-kubelet", node.getMetadata().getLabels().get("type"));
        assertEquals("agent", node.getMetadata().getLabels().get("kubernetes.io/role"));
        assertEquals(NODE, node.getMetadata().getLabels().get("kubernetes.io/hostname"));
        assertEquals("linux", node.getMetadata().getLabels().get("kubernetes.io/os"));
        assertEquals(List.of(TAINT), node.getSpec().getTaints());
        assertEquals(10250, node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort());
        assertEquals(new Quantity("8"), node.getStatus().getCapacity().get("cpu"));
        assertEquals("10.9.8.7", node.getStatus().getAddresses().get(0).getAddress());
        assertTrue(node.getStatus().getNodeInfo().getKubeletVersion().startsWith("v1.20.2-vk-jvm-"));
        assertEquals("True", condition("Ready").getStatus());
    }

    @Test
    void existingNodeKeepsWhatOthersSetAndGetsOurLabelsAndTaint() {
        V1Taint foreign = new V1Taint().key("team").value("a").effect("NoExecute");
        api.create(new V1Node().metadata(new io.kubernetes.client.openapi.models.V1ObjectMeta().name(NODE)
                        .putLabelsItem("owner", "ops").putAnnotationsItem("note", "keep"))
                .spec(new io.kubernetes.client.openapi.models.V1NodeSpec().taints(new ArrayList<>(List.of(foreign))))
                .status(new io.kubernetes.client.openapi.models.V1NodeStatus().conditions(new ArrayList<>(List.of(
                        new V1NodeCondition().type("example.com/Audited").status("True"))))));

        controller(settings()).register();
        api.conflictsToInject.set(2);
        controller.syncStatus();

        V1Node node = api.get(NODE).orElseThrow();
        assertEquals("ops", node.getMetadata().getLabels().get("owner"));
        assertEquals("keep", node.getMetadata().getAnnotations().get("note"));
        assertEquals("virtual-kubelet", node.getMetadata().getLabels().get("type"));
        assertEquals(List.of(foreign, TAINT), node.getSpec().getTaints());
        assertEquals("True", condition("example.com/Audited").getStatus());
        assertEquals("True", condition("Ready").getStatus());
    }

    @Test
    void failingPingTurnsReadyFalseAndStopsLeaseRenewal() {
        controller(settings()).register();
        controller.heartbeat();
        int leaseWrites = api.leaseWrites.get();
        assertEquals(1, leaseWrites);

        provider.pingFailure.set("backend unreachable");
        controller.heartbeat();
        V1NodeCondition ready = condition("Ready");
        assertEquals("False", ready.getStatus());
        assertEquals(NodeDefaults.PING_FAILED_REASON, ready.getReason());
        assertTrue(ready.getMessage().contains("backend unreachable"), ready.getMessage());
        assertEquals(leaseWrites, api.leaseWrites.get());

        provider.pingFailure.set(null);
        controller.heartbeat();
        assertEquals("True", condition("Ready").getStatus());
        assertEquals(leaseWrites + 1, api.leaseWrites.get());
    }

    @Test
    void leaseIsOwnedByTheNodeAndFollowsARecreatedNode() {
        controller(settings()).register();
        controller.heartbeat();
        V1Lease lease = api.get(NodeDefaults.LEASE_NAMESPACE, NODE).orElseThrow();
        String uid = api.get(NODE).orElseThrow().getMetadata().getUid();
        assertEquals(NODE, lease.getSpec().getHolderIdentity());
        assertEquals(40, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(uid, lease.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("Node", lease.getMetadata().getOwnerReferences().get(0).getKind());

        api.delete(NODE);
        controller.heartbeat();

        String newUid = api.get(NODE).orElseThrow().getMetadata().getUid();
        assertNotEquals(uid, newUid);
        assertEquals(newUid, api.get(NodeDefaults.LEASE_NAMESPACE, NODE).orElseThrow()
                .getMetadata().getOwnerReferences().get(0).getUid());
    }

    @Test
    void providerNotificationsReachTheNodeStatus() throws InterruptedException {
        controller(settings().withTimings(NodeDefaults.LEASE_DURATION, Duration.ofHours(1), Duration.ofHours(1),
                NodeDefaults.PING_TIMEOUT)).start(Duration.ofSeconds(10));
        provider.push(ScriptedNodeProvider.statusUpdate("example.com/GpuHealthy", "False"));
        Await.until(Duration.ofSeconds(10), "pushed condition on the node", () -> api.get(NODE).orElseThrow()
                .getStatus().getConditions().stream().anyMatch(c -> "example.com/GpuHealthy".equals(c.getType())));
        assertEquals("True", condition("Ready").getStatus());
    }

    @Test
    void registrationThatKeepsFailingGivesUpAfterTheStartupTimeout() {
        dev.vkubelet.core.ports.NodeClient down = new dev.vkubelet.core.ports.NodeClient() {
            @Override
            public Optional<V1Node> get(String name) {
                throw new dev.vkubelet.core.ports.ApiFailure(0, "connection refused", null);
            }

            @Override
            public V1Node create(V1Node node) {
                throw new AssertionError("not reached");
            }

            @Override
            public V1Node replaceStatus(V1Node node) {
                throw new AssertionError("not reached");
            }

            @Override
            public V1Node mergePatch(String name, String patch) {
                throw new AssertionError("not reached");
            }
        };
        ProviderHandle handle = ProviderHandle.of(new AvailableProvider("scripted", "test", "0", Path.of("test")),
                provider, Tracer.noop());
        controller = new NodeController(settings(), down, Optional.empty(), handle, Tracer.noop(), clock);
        dev.vkubelet.core.ports.ApiFailure failure = org.junit.jupiter.api.Assertions.assertThrows(
                dev.vkubelet.core.ports.ApiFailure.class, () -> controller.start(Duration.ofMillis(500)));
        assertEquals("cannot register node " + NODE + " within 500 ms (--startup-timeout): connection refused",
                failure.getMessage());
    }

    @Test
    void disabledTaintIsRemovedFromAnExistingNode() {
        controller(settings()).register();
        controller.close();
        NodeSettings untainted = NodeSettings.of(NODE, "linux", "10.9.8.7", 10250, "scripted", TAINT, false);
        controller(untainted).register();
        assertEquals(List.of(), api.get(NODE).orElseThrow().getSpec().getTaints());
    }

    @Test
    void labelsNodeRestrictionRefusesAreReadFromItsAnswer() {
        dev.vkubelet.core.ports.ApiFailure refused = new dev.vkubelet.core.ports.ApiFailure(403, "create node n failed:"
                + " HTTP 403 nodes \\\"n\\\" is forbidden: node \\\"n\\\" is not allowed to set the following labels:"
                + " kubernetes.io/role, node-role.kubernetes.io/agent", null);
        assertEquals(java.util.Set.of("kubernetes.io/role", "node-role.kubernetes.io/agent"),
                NodeController.refusedLabels(refused));
        assertEquals(java.util.Set.of("kubernetes.io/role"), NodeController.refusedLabels(new dev.vkubelet.core.ports
                .ApiFailure(403, "... is not allowed to set the following labels: kubernetes.io/role\\\", x", null)));
        assertEquals(java.util.Set.of("kubernetes.io/role"), NodeController.refusedLabels(new dev.vkubelet.core.ports
                .ApiFailure(403, "patch node n failed: HTTP 403 nodes \\\"n\\\" is forbidden: is not allowed to modify"
                        + " labels: kubernetes.io/role", null)));
        assertEquals(java.util.Set.of(), NodeController.refusedLabels(new dev.vkubelet.core.ports.ApiFailure(500,
                "is not allowed to set the following labels: a", null)));
        assertEquals(java.util.Set.of(), NodeController.refusedLabels(new dev.vkubelet.core.ports.ApiFailure(403,
                "forbidden: cannot create resource nodes", null)));
    }
}
