/**
 * Wiring: {@link dev.vkubelet.core.app.VirtualKubelet} turns a {@link dev.vkubelet.core.app.RunConfig}
 * into running parts, starts them in order and closes them in reverse; one process serves
 * {@code RunConfig.nodes()} ({@link dev.vkubelet.core.app.NodeDefinition}s: one node, {@code --node-count}
 * of one template, or {@code --nodes-config}'s fleet), all of them, or with {@code --share-nodes} those
 * this replica holds ({@code ownership.NodeOwnership}), started and stopped as it gains and hands them
 * over. Nodes of a {@code MultiNodeProvider} share one provider instance per configuration file.
 * {@link dev.vkubelet.core.app.Logging} applies the log level.
 *
 * <pre>
 *   RunConfig -> tracer -> PluginHost.load(pluginDir) -> ApiClients(kubeconfig, rate limit)
 *             -> one pod watch for every node (KubeInformers)
 *             -> per node: provider = host.createProvider(name, context(node, port)), kubelet API on its port
 *             -> per node: NodeController.start() on the shared NodeLoops
 *             -> one PodController (NodeProviders: the provider of each node)
 *   --share-nodes: the same without nodes, then NodeOwnership.Listener.acquired(node) / lost(node)
 *             -> per node, in order, on the hand-over pool: provider, kubelet API port, NodeController,
 *                PodController.serve(node) / the reverse
 * </pre>
 *
 * <p>Depends on every other agent package (it wires them); only the command line and the tools depend on it.
 */
package dev.vkubelet.core.app;
