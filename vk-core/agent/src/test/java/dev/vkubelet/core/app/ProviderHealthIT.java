package dev.vkubelet.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.kube.KubeLeaseClient;
import dev.vkubelet.core.kube.KubeNodeClient;
import dev.vkubelet.core.node.NodeController;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.node.NodeLease;
import dev.vkubelet.core.node.NodeSettings;
import dev.vkubelet.core.node.ScriptedNodeProvider;
import dev.vkubelet.core.plugin.AvailableProvider;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.LeaseClient;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A provider whose ping fails turns the node NotReady on a real API server, and its lease goes stale. */
@ExtendWith(LocalControlPlaneExtension.class)
class ProviderHealthIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void failingPingsMakeTheNodeNotReadyAndStopLeaseRenewal(LocalControlPlane plane) throws Exception {
        String node = Names.unique("vk-ping");
        ApiClient client = LocalControlPlane.clientFor(plane.nodeKubeconfig(node));
        ScriptedNodeProvider provider = new ScriptedNodeProvider();
        AtomicInteger leaseUpdates = new AtomicInteger();
        KubeLeaseClient real = new KubeLeaseClient(client);
        LeaseClient counting = new LeaseClient() {
            @Override
            public Optional<V1Lease> get(String namespace, String name) {
                return real.get(namespace, name);
            }

            @Override
            public V1Lease create(V1Lease lease) {
                leaseUpdates.incrementAndGet();
                return real.create(lease);
            }

            @Override
            public V1Lease update(V1Lease lease) {
                leaseUpdates.incrementAndGet();
                return real.update(lease);
            }
        };
        NodeSettings settings = NodeSettings.of(node, "linux", "127.0.0.1", 10250, "scripted",
                new V1Taint().key(NodeDefaults.TAINT_KEY).value("scripted").effect("NoSchedule"), true)
                .withTimings(NodeDefaults.LEASE_DURATION, Duration.ofMillis(200), Duration.ofSeconds(30),
                        Duration.ofSeconds(2));
        ProviderHandle handle = ProviderHandle.of(new AvailableProvider("scripted", "test", "0", Path.of("test")),
                provider, Tracer.noop());
        CoreV1Api admin = new CoreV1Api(plane.adminClient());
        try (NodeController controller = new NodeController(settings, new KubeNodeClient(client),
                Optional.of(new NodeLease(counting, node, settings.leaseDuration(), Clock.systemUTC())), handle,
                Tracer.noop(), Clock.systemUTC())) {
            controller.start(Duration.ofSeconds(30));
            Await.until(WAIT, "lease written", () -> leaseUpdates.get() > 0);

            provider.pingFailure.set("backend unreachable");
            V1NodeCondition notReady = Await.until(WAIT, "Ready=False", () -> ready(admin, node)
                    .filter(c -> "False".equals(c.getStatus())));
            assertEquals(NodeDefaults.PING_FAILED_REASON, notReady.getReason());
            assertEquals("provider ping failed: backend unreachable", notReady.getMessage());
            int frozen = leaseUpdates.get();
            int pings = provider.pings.get();
            Await.until(WAIT, "three more failed pings", () -> provider.pings.get() >= pings + 3);
            assertEquals(frozen, leaseUpdates.get(), "lease renewed while the provider was failing");

            provider.pingFailure.set(null);
            Await.until(WAIT, "Ready=True again", () -> ready(admin, node).filter(c -> "True".equals(c.getStatus())));
            Await.until(WAIT, "lease renewed again", () -> leaseUpdates.get() > frozen);
        } finally {
            admin.deleteNode(node).execute();
        }
    }

    private static Optional<V1NodeCondition> ready(CoreV1Api admin, String node) {
        try {
            return admin.readNode(node).execute().getStatus().getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType())).findFirst();
        } catch (io.kubernetes.client.openapi.ApiException e) {
            return Optional.empty();
        }
    }
}
