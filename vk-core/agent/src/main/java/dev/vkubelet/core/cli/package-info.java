/**
 * The node agent's command line: flags ({@link dev.vkubelet.core.cli.NodeOptions}, with
 * environment-variable defaults), their validation into an immutable
 * {@link dev.vkubelet.core.app.RunConfig}, and the subcommands {@code version} and {@code providers}
 * ({@link dev.vkubelet.core.cli.Cli}). A launcher adds its own {@link dev.vkubelet.core.cli.Cli.Subcommand}s
 * (the development tools in vk-tools add {@code local}, {@code bench} and {@code traces}); this
 * package knows none of them.
 *
 * <p>{@code NodesFile} reads {@code --nodes-config} into node definitions; {@code TaintSpec} parses
 * taints as {@code --taint} and that file write them.
 *
 * <p>Every invalid value ends in a {@link dev.vkubelet.core.cli.UsageException} whose message is one
 * line naming the flag; the command line prints it and exits with status 2.
 * Depends on {@code app} (what to run) and {@code plugin} (listing providers); nothing depends on it
 * inside the agent.
 */
package dev.vkubelet.core.cli;
