package dev.vkubelet.core.node;

import dev.vkubelet.provider.NodeConfigurer;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.PodLifecycleHandler;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A provider whose ping result the test decides, and that can push node status. Runs no pods. */
public final class ScriptedNodeProvider implements PodLifecycleHandler, NodeProvider, NodeConfigurer {

    /** When set, ping throws with this message. */
    public final AtomicReference<String> pingFailure = new AtomicReference<>();
    /** How many pings there were. */
    public final AtomicInteger pings = new AtomicInteger();
    private volatile Consumer<V1Node> nodeListener;

    @Override
    public void ping() {
        pings.incrementAndGet();
        String failure = pingFailure.get();
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    @Override
    public void notifyNodeStatus(Consumer<V1Node> onNodeChanged) {
        this.nodeListener = onNodeChanged;
    }

    /** Pushes a node status change as a provider would. */
    public void push(V1Node node) {
        nodeListener.accept(node);
    }

    @Override
    public void configureNode(V1Node node) {
        node.getStatus().capacity(Map.of("cpu", new Quantity("8"), "pods", new Quantity("50")))
                .allocatable(Map.of("cpu", new Quantity("8"), "pods", new Quantity("50")));
        List<V1NodeCondition> conditions = new ArrayList<>();
        conditions.add(new V1NodeCondition().type("Ready").status("True").reason("ScriptedReady").message("ok"));
        node.getStatus().conditions(conditions);
    }

    @Override
    public void createPod(V1Pod pod) {}

    @Override
    public void updatePod(V1Pod pod) {}

    @Override
    public void deletePod(V1Pod pod) {}

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

    /** A node status with one condition, as a provider would push it. */
    public static V1Node statusUpdate(String type, String status) {
        return new V1Node().status(new V1NodeStatus().conditions(List.of(
                new V1NodeCondition().type(type).status(status).reason("Pushed").message("pushed"))));
    }
}
