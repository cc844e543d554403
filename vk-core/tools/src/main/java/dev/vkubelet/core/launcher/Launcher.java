package dev.vkubelet.core.launcher;

import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.cli.Main;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distribution's {@code virtual-kubelet} entry point: the node agent's command line
 * ({@link Cli}) with the development subcommands {@code local}, {@code bench} and {@code traces}.
 */
public final class Launcher {

    private Launcher() {}

    /** What runs the node of a validated configuration together with a local control plane. */
    @FunctionalInterface
    public interface LocalRunner {
        /** Runs a local control plane and the node agent until told to stop; returns the exit status. */
        int runLocal(dev.vkubelet.core.app.RunConfig config) throws Exception;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("user.home"));
        System.exit(cli(env, home, Main.installHome(), System.out, System.err, Main.runner(), LocalCommand.RUNNER)
                .run(args));
    }

    /** The launcher's command line; {@code nodes} runs the agent, {@code local} a control plane and the agent. */
    public static Cli cli(Map<String, String> env, Path home, Optional<Path> installHome, PrintStream out,
            PrintStream err, Cli.Runner nodes, LocalRunner local) {
        return new Cli(env, home, installHome, out, err, nodes, () -> List.of(
                new LocalCommand(env, home, installHome, local),
                new BenchCommand(env, home, installHome, out, err),
                new TracesCommand(out)));
    }
}
