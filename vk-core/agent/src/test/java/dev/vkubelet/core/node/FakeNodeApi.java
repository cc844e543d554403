package dev.vkubelet.core.node;

import dev.vkubelet.core.ports.LeaseClient;
import dev.vkubelet.core.ports.NodeClient;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for the Node and Lease APIs with the semantics the controller relies on:
 * resourceVersion checks (409), uids, status-only writes, JSON merge patches of labels and taints.
 */
final class FakeNodeApi implements NodeClient, LeaseClient {

    private final Map<String, V1Node> nodes = new HashMap<>();
    private final Map<String, V1Lease> leases = new HashMap<>();
    private final AtomicInteger version = new AtomicInteger();
    final AtomicInteger statusWrites = new AtomicInteger();
    final AtomicInteger leaseWrites = new AtomicInteger();
    /** When positive, the next status writes fail with a conflict. */
    final AtomicInteger conflictsToInject = new AtomicInteger();

    private static <T> T copy(T object, Class<T> type) {
        return JSON.deserialize(JSON.serialize(object), type);
    }

    @Override
    public synchronized Optional<V1Node> get(String name) {
        return Optional.ofNullable(nodes.get(name)).map(n -> copy(n, V1Node.class));
    }

    @Override
    public synchronized V1Node create(V1Node node) {
        String name = node.getMetadata().getName();
        if (nodes.containsKey(name)) {
            throw new ObjectExists(name, null);
        }
        V1Node stored = copy(node, V1Node.class);
        stored.getMetadata().uid(UUID.randomUUID().toString())
                .resourceVersion(Integer.toString(version.incrementAndGet()));
        nodes.put(name, stored);
        return copy(stored, V1Node.class);
    }

    @Override
    public synchronized V1Node replaceStatus(V1Node node) {
        String name = node.getMetadata().getName();
        V1Node stored = nodes.get(name);
        if (stored == null) {
            throw new ObjectMissing(name, null);
        }
        if (conflictsToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                || !stored.getMetadata().getResourceVersion().equals(node.getMetadata().getResourceVersion())) {
            throw new ObjectConflict(name, null);
        }
        stored.setStatus(copy(node, V1Node.class).getStatus());
        stored.getMetadata().resourceVersion(Integer.toString(version.incrementAndGet()));
        statusWrites.incrementAndGet();
        return copy(stored, V1Node.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized V1Node mergePatch(String name, String jsonMergePatch) {
        V1Node stored = nodes.get(name);
        if (stored == null) {
            throw new ObjectMissing(name, null);
        }
        Map<String, Object> patch = JSON.deserialize(jsonMergePatch, Map.class);
        Map<String, Object> meta = (Map<String, Object>) patch.get("metadata");
        if (meta != null) {
            Object rv = meta.get("resourceVersion");
            if (rv != null && !rv.equals(stored.getMetadata().getResourceVersion())) {
                throw new ObjectConflict(name, null);
            }
            Map<String, String> labels = (Map<String, String>) meta.get("labels");
            if (labels != null) {
                labels.forEach(stored.getMetadata()::putLabelsItem);
            }
        }
        Map<String, Object> spec = (Map<String, Object>) patch.get("spec");
        if (spec != null && spec.containsKey("taints")) {
            V1Node withTaints = JSON.deserialize(JSON.serialize(Map.of("spec", spec)), V1Node.class);
            stored.getSpec().setTaints(withTaints.getSpec().getTaints());
        }
        stored.getMetadata().resourceVersion(Integer.toString(version.incrementAndGet()));
        return copy(stored, V1Node.class);
    }

    /** What another actor does: change the stored node directly. */
    synchronized void edit(String name, java.util.function.Consumer<V1Node> change) {
        V1Node stored = nodes.get(name);
        change.accept(stored);
        stored.getMetadata().resourceVersion(Integer.toString(version.incrementAndGet()));
    }

    synchronized void delete(String name) {
        nodes.remove(name);
    }

    @Override
    public synchronized Optional<V1Lease> get(String namespace, String name) {
        return Optional.ofNullable(leases.get(namespace + "/" + name)).map(l -> copy(l, V1Lease.class));
    }

    @Override
    public synchronized V1Lease create(V1Lease lease) {
        String key = lease.getMetadata().getNamespace() + "/" + lease.getMetadata().getName();
        if (leases.containsKey(key)) {
            throw new ObjectExists(key, null);
        }
        V1Lease stored = copy(lease, V1Lease.class);
        stored.getMetadata().resourceVersion(Integer.toString(version.incrementAndGet()));
        leases.put(key, stored);
        leaseWrites.incrementAndGet();
        return copy(stored, V1Lease.class);
    }

    @Override
    public synchronized V1Lease update(V1Lease lease) {
        String key = lease.getMetadata().getNamespace() + "/" + lease.getMetadata().getName();
        V1Lease stored = leases.get(key);
        if (stored == null) {
            throw new ObjectMissing(key, null);
        }
        if (!stored.getMetadata().getResourceVersion().equals(lease.getMetadata().getResourceVersion())) {
            throw new ObjectConflict(key, null);
        }
        V1Lease next = copy(lease, V1Lease.class);
        next.getMetadata().resourceVersion(Integer.toString(version.incrementAndGet()));
        leases.put(key, next);
        leaseWrites.incrementAndGet();
        return copy(next, V1Lease.class);
    }
}
