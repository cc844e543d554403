package dev.vkubelet.provider;

/**
 * Optional capability: one instance of the provider serves several nodes of the process. The host
 * creates the provider for the first node of each group of nodes with the same provider and
 * configuration file; when that instance implements this interface, the group's other nodes are
 * added to it ({@link #addNode}) instead of each getting an instance of its own, and taken away
 * again when this process stops serving them ({@link #removeNode}: handed to another replica,
 * or the process stops). Without it, the host creates one instance per node.
 *
 * <p>With several nodes, the other contracts read:
 * <ul>
 *   <li>a pod's node is its {@code spec.nodeName}; {@code getPods} returns the pods of every node
 *       (the host keeps each node's for that node);
 *   <li>{@link NodeConfigurer#configureNode} is called once per node, with a node that names it;
 *   <li>{@link NodeProvider#notifyNodeStatus} is called once per node, each with that node's
 *       callback: a change goes to the callback of the node it concerns (the host ignores a node
 *       whose name is another's); {@link NodeProvider#ping} is called for each node;
 *   <li>{@link StatsSummaryProvider#getStatsSummary} may cover every node: the host keeps each
 *       node's pods in that node's answer and sums their usage for the node's own figures;
 *   <li>{@code close()} is called once, after the last node was removed.
 * </ul>
 * Both methods are called from one host thread at a time, never for a node twice in a row.
 */
public interface MultiNodeProvider {

    /**
     * Starts serving one more node: its name, kubelet API port and the rest of its context (the
     * configuration file is the first node's). Pods bound to it arrive through {@code createPod}
     * afterwards; pods of the node the backend already runs (this process took the node over from
     * another replica) are the provider's to report from {@code getPods} and {@code getPod}.
     */
    void addNode(ProviderContext node);

    /**
     * Stops serving {@code nodeName} here, without touching its pods in the backend: another
     * process may serve the node next and adopt them. Unknown names are ignored.
     */
    void removeNode(String nodeName);
}
