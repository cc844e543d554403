/**
 * Wiring: {@link dev.vkubelet.core.app.VirtualKubelet} turns a {@link dev.vkubelet.core.app.RunConfig}
 * into running parts (tracer, plugin host, API client, provider, node controller), starts them in
 * order and closes them in reverse. {@link dev.vkubelet.core.app.Logging} applies the log level.
 *
 * <pre>
 *   RunConfig -> tracer -> PluginHost.load(pluginDir) -> ApiClient(kubeconfig, rate limit)
 *             -> provider = host.createProvider(name, context) -> NodeController.start()
 * </pre>
 *
 * <p>Depends on every other agent package (it wires them); only the command line and the tools depend on it.
 */
package dev.vkubelet.core.app;
