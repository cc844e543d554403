package dev.vkubelet.core.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.Version;
import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.plugin.PluginStatus;
import dev.vkubelet.core.plugin.PluginHost;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Parses the command line and dispatches: no subcommand runs the node agent; {@code providers} lists
 * plugins; {@code version} prints the version; a launcher may add {@link Subcommand}s of its own (the
 * development tools add {@code local}, {@code bench} and {@code traces}). Returns the exit status
 * instead of exiting, so it can be tested.
 */
public final class Cli {

    /** Exit status of a run that ended normally. */
    public static final int OK = 0;
    /** Exit status when the agent failed at run time. */
    public static final int FAILED = 1;
    /** Exit status of a usage error (bad flag, file or environment variable). */
    public static final int USAGE = 2;

    private final Map<String, String> env;
    private final Path home;
    private final Optional<Path> installHome;
    private final PrintStream out;
    private final PrintStream err;
    private final Runner runner;
    private final Supplier<List<Subcommand>> subcommands;

    /** What runs a validated configuration (the real one runs the agent; tests substitute it). */
    @FunctionalInterface
    public interface Runner {
        /** Runs the node agent until it is told to stop; returns the exit status. */
        int runNode(RunConfig config) throws Exception;
    }

    /**
     * A subcommand a launcher adds to the agent's command line. A fresh one is made for every
     * {@link Cli#run}; JCommander fills its {@link #flags()} object, then {@link #run()} runs it
     * (unless {@code --help} was given, which prints its usage).
     */
    public interface Subcommand {
        /** Its name on the command line. */
        String name();

        /**
         * The object holding its flags: JCommander's {@code @Parameters} and {@code @Parameter}
         * annotations; by default the subcommand itself.
         */
        default Object flags() {
            return this;
        }

        /** Whether {@code --help} was given to it. */
        boolean helpRequested();

        /** Runs it; returns the exit status. A {@link UsageException} is a usage error (exit 2). */
        int run() throws Exception;
    }

    /** The agent's own command line: the node agent, {@code providers}, {@code version}. */
    public Cli(Map<String, String> env, Path home, Optional<Path> installHome, PrintStream out, PrintStream err,
            Runner runner) {
        this(env, home, installHome, out, err, runner, List::of);
    }

    /** The agent's command line and the subcommands {@code subcommands} makes (a fresh list each run). */
    public Cli(Map<String, String> env, Path home, Optional<Path> installHome, PrintStream out, PrintStream err,
            Runner runner, Supplier<List<Subcommand>> subcommands) {
        this.env = Map.copyOf(env);
        this.home = Objects.requireNonNull(home, "home");
        this.installHome = Objects.requireNonNull(installHome, "installHome");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.subcommands = Objects.requireNonNull(subcommands, "subcommands");
    }

    @Parameters(commandDescription = "Print the version")
    static final class VersionCommand {}

    @Parameters(commandDescription = "List the providers of the plugin directory and the plugins that are broken",
            separators = " =")
    static final class ProvidersCommand {
        @Parameter(names = "--plugin-dir", description = "Directory of provider plugin jars")
        String pluginDir;

        @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
        boolean help;
    }

    /** Runs the command line; returns the exit status. */
    public int run(String... args) {
        NodeOptions root = new NodeOptions(env, home, installHome);
        ProvidersCommand providers = new ProvidersCommand();
        providers.pluginDir = root.pluginDir;
        JCommander.Builder builder = JCommander.newBuilder()
                .programName("virtual-kubelet")
                .addObject(root)
                .addCommand("version", new VersionCommand())
                .addCommand("providers", providers);
        Map<String, Subcommand> added = new java.util.LinkedHashMap<>();
        for (Subcommand subcommand : subcommands.get()) {
            added.put(subcommand.name(), subcommand);
            builder.addCommand(subcommand.name(), subcommand.flags());
        }
        JCommander commander = builder.build();
        try {
            commander.parse(args);
        } catch (ParameterException e) {
            return usageError(e.getMessage());
        }
        String command = commander.getParsedCommand();
        try {
            if (command == null) {
                if (root.help) {
                    usage(commander, null);
                    return OK;
                }
                if (root.version) {
                    printVersion();
                    return OK;
                }
                return runner.runNode(root.toRunConfig());
            }
            switch (command) {
                case "version" -> {
                    printVersion();
                    return OK;
                }
                case "providers" -> {
                    if (providers.help) {
                        usage(commander, "providers");
                        return OK;
                    }
                    return listProviders(Path.of(providers.pluginDir));
                }
                default -> {
                    Subcommand subcommand = added.get(command);
                    if (subcommand.helpRequested()) {
                        usage(commander, command);
                        return OK;
                    }
                    return subcommand.run();
                }
            }
        } catch (UsageException e) {
            return usageError(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("virtual-kubelet: interrupted");
            return FAILED;
        } catch (Exception e) {
            err.println("virtual-kubelet: error: " + oneLine(e));
            return FAILED;
        }
    }

    private void printVersion() {
        out.println("virtual-kubelet for the JVM " + Version.current() + " (kubelet " + Version.kubeletVersion()
                + ", plugin API " + Version.pluginApi() + ")");
    }

    private static String oneLine(Throwable e) {
        return dev.vkubelet.core.kube.ApiMessages.describe(e).replaceAll("\\s*\\R\\s*", " ");
    }

    private int usageError(String message) {
        err.println("virtual-kubelet: error: " + message.replaceAll("\\s*\\R\\s*", " "));
        err.println("Run 'virtual-kubelet --help' for usage.");
        return USAGE;
    }

    private void usage(JCommander commander, String command) {
        StringBuilder text = new StringBuilder();
        if (command == null) {
            commander.getUsageFormatter().usage(text);
        } else {
            commander.getUsageFormatter().usage(command, text);
        }
        out.print(text);
    }

    private int listProviders(Path pluginDir) {
        try (PluginHost host = PluginHost.load(pluginDir, Version.pluginApi())) {
            out.println("Plugin directory: " + host.pluginDir() + " (host plugin API " + Version.pluginApi() + ")");
            if (host.plugins().isEmpty()) {
                out.println("No plugins found.");
                return OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PLUGIN", "VERSION", "STATE", "PROVIDERS", "PATH"});
            for (PluginStatus p : host.plugins()) {
                rows.add(new String[] {p.id().orElse("-"), p.version().orElse("-"), p.state().label(),
                        p.providers().isEmpty() ? "-" : String.join(",", p.providers()), p.path().toString()});
            }
            int[] widths = new int[4];
            rows.forEach(r -> {
                for (int i = 0; i < widths.length; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            });
            for (int i = 0; i < rows.size(); i++) {
                String[] r = rows.get(i);
                out.printf("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %-" + widths[3]
                        + "s  %s%n", r[0], r[1], r[2], r[3], r[4]);
                if (i > 0) {
                    host.plugins().get(i - 1).problems().forEach(problem -> out.println("    " + problem));
                }
            }
        }
        return OK;
    }
}
