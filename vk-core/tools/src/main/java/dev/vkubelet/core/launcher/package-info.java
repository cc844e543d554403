/**
 * The distribution's {@code virtual-kubelet} command: {@link dev.vkubelet.core.launcher.Launcher}
 * puts the development subcommands on top of the node agent's command line
 * ({@code dev.vkubelet.core.cli.Cli}): {@code local}
 * ({@link dev.vkubelet.core.launcher.LocalCommand}: a local control plane and the agent),
 * {@code bench} ({@link dev.vkubelet.core.launcher.BenchCommand}) and {@code traces compare}
 * ({@link dev.vkubelet.core.launcher.TracesCommand}); {@link dev.vkubelet.core.launcher.PodBench} is
 * the maintainers' benchmark script ({@code dist/scripts/bench-pods}).
 *
 * <p>The only package that knows both the command line's {@code NodeOptions} and the tools: it hands
 * {@code bench} a parser of agent flags, so {@code bench} builds an agent's run configuration
 * without importing the command line.
 *
 * <p>Depends on the agent's {@code cli} and {@code app}, {@code bench}, {@code traces} and vk-controlplane; nothing depends on it.
 */
package dev.vkubelet.core.launcher;
