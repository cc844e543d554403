package dev.vkubelet.core.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.plugin.AvailableProvider;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.PodClient;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ManagedFieldsEntry;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PodStatusSyncTest {

    private final InMemoryProvider backend = new InMemoryProvider(false);
    private final dev.vkubelet.core.plugin.ProviderDeadline timeouts = new dev.vkubelet.core.plugin.ProviderDeadline(
            Duration.ofSeconds(5), Integer.MAX_VALUE, "provider-call", Tracer.noop());
    private V1Pod stored;
    private final List<V1Pod> writes = new ArrayList<>();
    /** The request bodies as JSON, as they would go to the API server. */
    private final List<String> bodies = new ArrayList<>();
    private final AtomicInteger conflicts = new AtomicInteger();

    private final PodIndex index = new PodIndex() {
        @Override
        public Optional<V1Pod> get(String namespace, String name) {
            return Optional.ofNullable(stored).map(PodStatusSyncTest::copy);
        }

        @Override
        public List<V1Pod> list() {
            return stored == null ? List.of() : List.of(copy(stored));
        }

        @Override
        public boolean hasSynced() {
            return true;
        }
    };

    private final PodClient client = new PodClient() {
        @Override
        public Optional<V1Pod> get(String namespace, String name) {
            return index.get(namespace, name);
        }

        @Override
        public void replaceStatus(V1Pod pod) {
            if (conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                stored.getMetadata().resourceVersion(stored.getMetadata().getResourceVersion() + "x");
                throw new ObjectConflict("changed", null);
            }
            if (!pod.getMetadata().getResourceVersion().equals(stored.getMetadata().getResourceVersion())) {
                throw new ObjectConflict("stale resourceVersion", null);
            }
            writes.add(copy(pod));
            bodies.add(JSON.serialize(pod));
            stored.setStatus(copy(pod).getStatus());
        }

        @Override
        public boolean deleteNow(String namespace, String name, String uid) {
            throw new AssertionError("not used");
        }
    };

    private static V1Pod copy(V1Pod pod) {
        return JSON.deserialize(JSON.serialize(pod), V1Pod.class);
    }

    private PodStatusSync statusSync() {
        return statusSync(backend);
    }

    private PodStatusSync statusSync(dev.vkubelet.provider.PodLifecycleHandler provider) {
        ProviderHandle handle = ProviderHandle.of(new AvailableProvider("in-memory", "test", "0", Path.of("t")),
                provider, Tracer.noop());
        return new PodStatusSync(index, client, NodeProviders.single("vk", handle), timeouts, "10.0.0.10");
    }

    @AfterEach
    void close() {
        timeouts.close();
    }

    @Test
    void writesOnlyWhenTheStatusChangedAndKeepsForeignConditions() {
        stored = TestPods.pod("ns", "p", "vk");
        stored.getMetadata().resourceVersion("1");
        stored.getStatus().conditions(new ArrayList<>(List.of(
                new V1PodCondition().type("PodScheduled").status("True"))));
        backend.createPod(copy(stored));
        PodStatusSync sync = statusSync();

        Optional<String> newIp = sync.sync(new PodKey("ns", "p"));
        assertEquals(1, writes.size());
        assertTrue(newIp.isPresent());
        V1Pod written = writes.get(0);
        assertEquals("Running", written.getStatus().getPhase());
        assertEquals("10.0.0.10", written.getStatus().getHostIP());
        assertTrue(written.getStatus().getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType())));
        assertEquals("1", written.getMetadata().getResourceVersion());

        assertEquals(Optional.empty(), sync.sync(new PodKey("ns", "p")));
        assertEquals(1, writes.size(), "an unchanged status was written again");
    }

    @Test
    void aStatusWriteSendsTheMetadataAndStatusButNeitherSpecNorManagedFields() {
        stored = TestPods.pod("ns", "p", "vk");
        stored.getMetadata().resourceVersion("7").putLabelsItem("app", "web").putAnnotationsItem("note", "kept")
                .addOwnerReferencesItem(new V1OwnerReference().apiVersion("apps/v1").kind("ReplicaSet").name("rs")
                        .uid("rs-1"))
                .addManagedFieldsItem(new V1ManagedFieldsEntry().manager("kubectl").operation("Update")
                        .apiVersion("v1"));
        backend.createPod(copy(stored));
        int before = JSON.serialize(stored).length();

        statusSync().sync(new PodKey("ns", "p"));

        assertEquals(1, bodies.size());
        String body = bodies.get(0);
        assertFalse(body.contains("\"managedFields\""), body);
        assertFalse(body.contains("\"spec\""), body);
        V1Pod written = writes.get(0);
        assertEquals("7", written.getMetadata().getResourceVersion());
        assertEquals(stored.getMetadata().getUid(), written.getMetadata().getUid());
        assertEquals(stored.getMetadata().getLabels(), written.getMetadata().getLabels());
        assertEquals(stored.getMetadata().getAnnotations(), written.getMetadata().getAnnotations());
        assertEquals(stored.getMetadata().getOwnerReferences(), written.getMetadata().getOwnerReferences());
        assertEquals("Running", written.getStatus().getPhase());
        assertEquals(1, stored.getMetadata().getManagedFields().size(), "the cached pod was changed");
        assertTrue(body.length() < before, body.length() + " bytes sent for a pod of " + before);
    }

    @Test
    void conflictsAreResolvedByReadingThePodAgain() {
        stored = TestPods.pod("ns", "p", "vk");
        stored.getMetadata().resourceVersion("1");
        backend.createPod(copy(stored));
        conflicts.set(2);
        statusSync().sync(new PodKey("ns", "p"));
        assertEquals(1, writes.size());
        assertEquals("1xx", writes.get(0).getMetadata().getResourceVersion());
    }

    @Test
    void aMalformedStatusIsRefusedAndTheNextGoodOneWritten() {
        stored = TestPods.pod("ns", "p", "vk");
        stored.getMetadata().resourceVersion("1");
        backend.createPod(copy(stored));
        java.util.concurrent.atomic.AtomicReference<V1PodStatus> lie = new java.util.concurrent.atomic.AtomicReference<>();
        PodStatusSync sync = statusSync(new DelegatingProvider(backend) {
            @Override
            public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
                return lie.get() != null ? Optional.of(lie.get()) : super.getPodStatus(namespace, name);
            }
        });
        lie.set(new V1PodStatus().phase("Bogus"));
        ProviderException refused = assertThrows(ProviderException.class, () -> sync.sync(new PodKey("ns", "p")));
        assertTrue(refused.getMessage().contains("malformed status for pod ns/p (unknown phase 'Bogus')"),
                refused.getMessage());
        lie.set(new V1PodStatus().phase("Running").containerStatuses(List.of(
                new V1ContainerStatus().name("ghost").image("x").imageID("").ready(true).restartCount(0))));
        refused = assertThrows(ProviderException.class, () -> sync.sync(new PodKey("ns", "p")));
        assertTrue(refused.getMessage().contains("container 'ghost', which the pod does not have"), refused.getMessage());
        assertTrue(writes.isEmpty());

        lie.set(null);
        sync.sync(new PodKey("ns", "p"));
        assertEquals("Running", writes.get(0).getStatus().getPhase());
    }

    @Test
    void aPodTheProviderDoesNotHaveIsLeftAlone() {
        stored = TestPods.pod("ns", "p", "vk");
        stored.getMetadata().resourceVersion("1");
        assertEquals(Optional.empty(), statusSync().sync(new PodKey("ns", "p")));
        assertTrue(writes.isEmpty());
    }
}
