/**
 * Wiring: {@link dev.vkubelet.core.app.VirtualKubelet} turns a {@link dev.vkubelet.core.app.RunConfig}
 * into running parts, starts them in order and closes them in reverse; one process serves
 * {@code RunConfig.nodeNames()} (one node, or {@code --node-count} of them).
 * {@link dev.vkubelet.core.app.Logging} applies the log level.
 *
 * <pre>
 *   RunConfig -> tracer -> PluginHost.load(pluginDir) -> ApiClients(kubeconfig, rate limit)
 *             -> one pod watch for every node (KubeInformers)
 *             -> per node: provider = host.createProvider(name, context(node, port)), kubelet API on its port
 *             -> per node: NodeController.start() on the shared NodeLoops
 *             -> one PodController (NodeProviders: the provider of each node)
 * </pre>
 *
 * <p>Depends on every other agent package (it wires them); only the command line and the tools depend on it.
 */
package dev.vkubelet.core.app;
