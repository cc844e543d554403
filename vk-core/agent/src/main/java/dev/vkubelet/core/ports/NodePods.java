package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The pods of one node, seen through the index of all the process's nodes. */
public final class NodePods implements PodIndex {

    private final PodIndex all;
    private final String node;

    public NodePods(PodIndex all, String node) {
        this.all = Objects.requireNonNull(all, "all");
        this.node = Objects.requireNonNull(node, "node");
    }

    private boolean ours(V1Pod pod) {
        return pod.getSpec() != null && node.equals(pod.getSpec().getNodeName());
    }

    @Override
    public Optional<V1Pod> get(String namespace, String name) {
        return all.get(namespace, name).filter(this::ours);
    }

    @Override
    public List<V1Pod> list() {
        return all.list().stream().filter(this::ours).toList();
    }

    @Override
    public boolean hasSynced() {
        return all.hasSynced();
    }
}
