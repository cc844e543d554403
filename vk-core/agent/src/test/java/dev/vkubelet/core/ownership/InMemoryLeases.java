package dev.vkubelet.core.ownership;

import dev.vkubelet.core.ports.LeaseStore;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import dev.vkubelet.provider.Models;
import io.kubernetes.client.openapi.models.V1Lease;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Leases in memory with the API server's guarantees the ownership relies on: resourceVersion-guarded updates. */
final class InMemoryLeases implements LeaseStore {

    private final Map<String, V1Lease> leases = new TreeMap<>();
    private long version;
    final AtomicInteger writes = new AtomicInteger();
    /** While set, every call fails as an API server that cannot be reached does. */
    volatile boolean down;

    private void reachable() {
        if (down) {
            throw new dev.vkubelet.core.ports.ApiFailure(503, "the API server is down", null);
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public synchronized Optional<V1Lease> get(String namespace, String name) {
        reachable();
        return Optional.ofNullable(leases.get(key(namespace, name))).map(Models::copy);
    }

    @Override
    public synchronized V1Lease create(V1Lease lease) {
        reachable();
        String key = key(lease.getMetadata().getNamespace(), lease.getMetadata().getName());
        if (leases.containsKey(key)) {
            throw new ObjectExists("lease " + key + " exists", null);
        }
        return store(key, lease);
    }

    @Override
    public synchronized V1Lease update(V1Lease lease) {
        reachable();
        String key = key(lease.getMetadata().getNamespace(), lease.getMetadata().getName());
        V1Lease current = leases.get(key);
        if (current == null) {
            throw new ObjectMissing("lease " + key + " is gone", null);
        }
        if (!current.getMetadata().getResourceVersion().equals(lease.getMetadata().getResourceVersion())) {
            throw new ObjectConflict("lease " + key + " changed", null);
        }
        return store(key, lease);
    }

    private V1Lease store(String key, V1Lease lease) {
        writes.incrementAndGet();
        V1Lease stored = Models.copy(lease);
        stored.getMetadata().setResourceVersion(Long.toString(++version));
        leases.put(key, stored);
        return Models.copy(stored);
    }

    @Override
    public synchronized List<V1Lease> list(String namespace, String labelSelector) {
        reachable();
        // label=value terms, comma-separated, all to match
        java.util.Map<String, String> terms = new java.util.HashMap<>();
        for (String term : labelSelector.split(",")) {
            String[] pair = term.split("=", 2);
            terms.put(pair[0], pair[1]);
        }
        return leases.values().stream().filter(l -> l.getMetadata().getNamespace().equals(namespace))
                .filter(l -> l.getMetadata().getLabels() != null
                        && terms.entrySet().stream().allMatch(t -> t.getValue().equals(
                                l.getMetadata().getLabels().get(t.getKey()))))
                .map(Models::copy).toList();
    }
}
