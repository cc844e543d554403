/**
 * The {@code virtual-kubelet} command line: flags ({@link dev.vkubelet.core.cli.NodeOptions}, with
 * environment-variable defaults), their validation into an immutable
 * {@link dev.vkubelet.core.app.RunConfig}, and the subcommands {@code version}, {@code providers}
 * and {@code local} ({@link dev.vkubelet.core.cli.Cli}).
 *
 * <p>Every invalid value ends in a {@link dev.vkubelet.core.cli.UsageException} whose message is one
 * line naming the flag; {@link dev.vkubelet.core.cli.Main} prints it and exits with status 2.
 * Depends on {@code app} (what to run) and {@code plugin} (listing providers).
 */
package dev.vkubelet.core.cli;
