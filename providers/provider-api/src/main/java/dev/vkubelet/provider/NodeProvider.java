package dev.vkubelet.provider;

import io.kubernetes.client.openapi.models.V1Node;
import java.util.function.Consumer;

/**
 * Optional capability: the provider reports on the health of its backend and on node status
 * changes. Without it the node is considered healthy whenever the host runs.
 */
public interface NodeProvider {

    /**
     * Checks that the backend is reachable. Called about every 10 seconds; the node's lease is
     * renewed only after a successful ping, and a failing ping turns the node's {@code Ready}
     * condition {@code False}. Throw any exception to report failure.
     */
    void ping();

    /**
     * Registers the host's callback. Called once, after the node is registered. The provider calls
     * {@code onNodeChanged} with a node whose status carries what changed (conditions, capacity,
     * allocatable, addresses); the host merges it into the node it maintains and writes it.
     */
    void notifyNodeStatus(Consumer<V1Node> onNodeChanged);
}
