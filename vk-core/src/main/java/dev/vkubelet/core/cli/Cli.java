package dev.vkubelet.core.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.Version;
import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.plugin.AvailableProvider;
import dev.vkubelet.core.plugin.PluginFailure;
import dev.vkubelet.core.plugin.PluginHost;
import dev.vkubelet.core.traces.Reports;
import dev.vkubelet.core.traces.RunAnalysis;
import dev.vkubelet.core.traces.SpanFile;
import dev.vkubelet.core.traces.SpanLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses the command line and dispatches: no subcommand runs the node agent; {@code local} runs a
 * local control plane and the node agent together; {@code providers} lists plugins; {@code version}
 * prints the version. Returns the exit status instead of exiting, so it can be tested.
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

    /** What runs a validated configuration (the real one starts processes; tests substitute it). */
    public interface Runner {
        /** Runs the node agent until it is told to stop; returns the exit status. */
        int runNode(RunConfig config) throws Exception;

        /** Runs a local control plane and the node agent; returns the exit status. */
        int runLocal(RunConfig config) throws Exception;
    }

    public Cli(Map<String, String> env, Path home, Optional<Path> installHome, PrintStream out, PrintStream err,
            Runner runner) {
        this.env = Map.copyOf(env);
        this.home = Objects.requireNonNull(home, "home");
        this.installHome = Objects.requireNonNull(installHome, "installHome");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.runner = Objects.requireNonNull(runner, "runner");
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

    @Parameters(separators = " =", commandDescription = "Start a local control plane (etcd, kube-apiserver,"
            + " kube-controller-manager, kube-scheduler on loopback) and the node agent against it; the provider"
            + " defaults to mock")
    static final class LocalCommand extends NodeOptions {
        LocalCommand(Map<String, String> env, Path home, Optional<Path> installHome) {
            super(env, home, installHome);
        }
    }

    @Parameters(separators = " =", commandDescription = "Compare traces across providers: 'traces compare FILE...'"
            + " reads span files of the file exporter (one run each) and reports them side by side")
    static final class TracesCommand {
        @Parameter(description = "compare FILE...")
        List<String> arguments = new ArrayList<>();

        @Parameter(names = "--html", description = "Also write the comparison as a self-contained HTML page here")
        String html;

        @Parameter(names = "--label", description = "A name for the run of the same position (default: its provider);"
                + " repeatable")
        List<String> labels = new ArrayList<>();

        @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
        boolean help;
    }

    /** Runs the command line; returns the exit status. */
    public int run(String... args) {
        NodeOptions root = new NodeOptions(env, home, installHome);
        NodeOptions local = new LocalCommand(env, home, installHome);
        local.kubeconfig = null;
        ProvidersCommand providers = new ProvidersCommand();
        providers.pluginDir = root.pluginDir;
        TracesCommand traces = new TracesCommand();
        JCommander commander = JCommander.newBuilder()
                .programName("virtual-kubelet")
                .addObject(root)
                .addCommand("version", new VersionCommand())
                .addCommand("providers", providers)
                .addCommand("local", local)
                .addCommand("traces", traces)
                .build();
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
                return runner.runNode(root.toRunConfig());
            }
            switch (command) {
                case "version" -> {
                    out.println("virtual-kubelet for the JVM " + Version.current() + " (kubelet "
                            + Version.kubeletVersion() + ", plugin API " + Version.pluginApi() + ")");
                    return OK;
                }
                case "providers" -> {
                    if (providers.help) {
                        usage(commander, "providers");
                        return OK;
                    }
                    return listProviders(Path.of(providers.pluginDir));
                }
                case "local" -> {
                    if (local.help) {
                        usage(commander, "local");
                        return OK;
                    }
                    if (local.kubeconfig != null) {
                        return usageError("--kubeconfig cannot be used with local: it makes its own control plane");
                    }
                    if (local.provider == null) {
                        local.provider = "mock";
                    }
                    return runner.runLocal(local.toRunConfig());
                }
                case "traces" -> {
                    if (traces.help) {
                        usage(commander, "traces");
                        return OK;
                    }
                    return compareTraces(traces);
                }
                default -> throw new IllegalStateException(command);
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

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
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

    private int compareTraces(TracesCommand traces) throws IOException {
        if (traces.arguments.isEmpty() || !"compare".equals(traces.arguments.get(0))) {
            throw new UsageException("traces: the only subcommand is 'compare FILE...'");
        }
        List<String> files = traces.arguments.subList(1, traces.arguments.size());
        if (files.isEmpty()) {
            throw new UsageException("traces compare: give at least one span file (from --trace-exporter file)");
        }
        if (traces.labels.size() > files.size()) {
            throw new UsageException("traces compare: more --label values than span files");
        }
        List<dev.vkubelet.core.traces.RunAnalysis> runs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = Path.of(files.get(i));
            if (!Files.isRegularFile(file)) {
                throw new UsageException("traces compare: no span file " + file);
            }
            List<dev.vkubelet.core.traces.SpanLine> spans;
            try {
                spans = SpanFile.read(file);
            } catch (IllegalArgumentException e) {
                throw new UsageException("traces compare: malformed span file: " + e.getMessage());
            }
            runs.add(RunAnalysis.of(i < traces.labels.size() ? traces.labels.get(i) : null,
                    file, spans));
        }
        out.print(Reports.text(runs));
        if (traces.html != null) {
            Files.writeString(Path.of(traces.html), Reports.html(runs));
            out.println("HTML report: " + Path.of(traces.html).toAbsolutePath());
        }
        return OK;
    }

    private int listProviders(Path pluginDir) {
        try (PluginHost host = PluginHost.load(pluginDir, Version.pluginApi())) {
            out.println("Plugin directory: " + host.pluginDir());
            if (host.providers().isEmpty()) {
                out.println("No providers found.");
            }
            for (AvailableProvider p : host.providers()) {
                out.printf("%-12s plugin %s %s  %s%n", p.name(), p.pluginId(), p.pluginVersion(), p.path());
            }
            for (PluginFailure f : host.failures()) {
                out.println("BROKEN       " + f);
            }
        }
        return OK;
    }
}
