package dev.vkubelet.core.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.Version;
import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.bench.Bench;
import dev.vkubelet.core.bench.BenchResult;
import dev.vkubelet.core.bench.Workload;
import dev.vkubelet.core.plugin.PluginStatus;
import dev.vkubelet.core.plugin.PluginHost;
import dev.vkubelet.core.traces.Reports;
import dev.vkubelet.core.traces.RunAnalysis;
import dev.vkubelet.core.traces.SpanFile;
import dev.vkubelet.core.traces.SpanLine;
import dev.vkubelet.provider.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

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

        /** A placeholder: the local control plane's own kubeconfig replaces it once the plane is up. */
        @Override
        dev.vkubelet.core.kube.KubeAccess kubeAccess() {
            return new dev.vkubelet.core.kube.KubeAccess.Kubeconfig(Path.of("local-control-plane.kubeconfig"));
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

    @Parameters(separators = " =", commandDescription = "Drive a workload of pods against a node and measure it:"
            + " create, wait ready, optionally read logs, delete, wait gone; prints throughput and latency"
            + " percentiles and writes the result as JSON")
    static final class BenchCommand {
        @Parameter(names = "--pods", description = "How many pods")
        int pods = 100;

        @Parameter(names = "--rate", description = "Pods created, and later deleted, per second (0: all at once)")
        double rate;

        @Parameter(names = "--containers", description = "Containers per pod")
        int containers = 1;

        @Parameter(names = "--env", description = "Environment variables per container")
        int env;

        @Parameter(names = "--ports", description = "Ports per container")
        int ports;

        @Parameter(names = "--job-exit", description = "Make the pods jobs that exit with this code (awaited to"
                + " their final phase instead of Running)")
        Integer jobExit;

        @Parameter(names = "--job-seconds", description = "How long a job runs before it exits")
        int jobSeconds = 1;

        @Parameter(names = "--logs", description = "Read every pod's logs once it is ready")
        boolean logs;

        @Parameter(names = "--timeout", description = "How long each step may take before its late pods count as"
                + " failures")
        String timeout = "5m";

        @Parameter(names = "--json", description = "Write the result as JSON to this file")
        String json;

        @Parameter(names = "--namespace", description = "The namespace of the pods (created if missing)")
        String namespace = "vk-bench";

        @Parameter(names = "--nodename", description = "The node to bind the pods to (default: virtual-kubelet)")
        String node = "virtual-kubelet";

        @Parameter(names = "--kubeconfig", description = "The cluster (default: $KUBECONFIG, else ~/.kube/config)")
        String kubeconfig;

        @Parameter(names = "--local", description = "Start a local control plane and a node agent for --provider"
                + " instead of using a cluster")
        boolean local;

        @Parameter(names = "--provider", description = "With --local: the provider of the node (default mock)")
        String provider = "mock";

        @Parameter(names = "--provider-config", description = "With --local: the provider's configuration file")
        String providerConfig;

        @Parameter(names = "--plugin-dir", description = "With --local: directory of provider plugin jars")
        String pluginDir;

        @Parameter(names = "--api-ceiling", description = "With --local: no node agent; a plain client writes each"
                + " pod's status once with --workers threads and no rate limit (the API server's ceiling for the"
                + " same workload, to compare an agent's result with)")
        boolean apiCeiling;

        @Parameter(names = "--workers", description = "With --api-ceiling: status writer threads (the agent's"
                + " --pod-sync-workers is 10)")
        int workers = 10;

        @Parameter(names = "--agent-arg", description = "With --local: a flag for the node agent, repeatable, e.g."
                + " --agent-arg=--trace-exporter=file (exporter settings come from the environment)")
        List<String> agentArgs = new ArrayList<>();

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
        BenchCommand bench = new BenchCommand();
        bench.pluginDir = root.pluginDir;
        JCommander commander = JCommander.newBuilder()
                .programName("virtual-kubelet")
                .addObject(root)
                .addCommand("version", new VersionCommand())
                .addCommand("providers", providers)
                .addCommand("local", local)
                .addCommand("traces", traces)
                .addCommand("bench", bench)
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
                case "bench" -> {
                    if (bench.help) {
                        usage(commander, "bench");
                        return OK;
                    }
                    return bench(bench);
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

    private void printVersion() {
        out.println("virtual-kubelet for the JVM " + Version.current() + " (kubelet " + Version.kubeletVersion()
                + ", plugin API " + Version.pluginApi() + ")");
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

    private int bench(BenchCommand bench) throws Exception {
        Workload workload;
        try {
            workload = new Workload(bench.namespace, bench.node, bench.pods, bench.rate, bench.containers, bench.env,
                    bench.ports, bench.jobExit == null ? OptionalInt.empty() : OptionalInt.of(bench.jobExit),
                    bench.jobSeconds, bench.logs, Durations.parse(bench.timeout));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
        boolean terminal = System.console() != null;
        BenchResult result;
        if (bench.local) {
            if (bench.kubeconfig != null) {
                throw new UsageException("bench: --kubeconfig cannot be used with --local: it makes its own cluster");
            }
            List<String> flags = new ArrayList<>();
            if (bench.providerConfig != null) {
                flags.addAll(List.of("--provider-config", bench.providerConfig));
            }
            flags.addAll(bench.agentArgs);
            if (bench.apiCeiling) {
                if (bench.workers < 1) {
                    throw new UsageException("bench: --workers must be at least 1, got " + bench.workers);
                }
                result = Bench.apiCeiling(env, bench.workers, workload, err, terminal);
            } else {
                result = Bench.local(env, bench.provider, bench.pluginDir, flags, workload, err, terminal);
            }
        } else {
            if (bench.apiCeiling) {
                throw new UsageException("bench: --api-ceiling needs --local: it starts its own control plane");
            }
            Path kubeconfig = bench.kubeconfig != null ? Path.of(bench.kubeconfig)
                    : env.get("KUBECONFIG") != null ? Path.of(env.get("KUBECONFIG")) : home.resolve(".kube/config");
            if (!Files.isRegularFile(kubeconfig)) {
                throw new UsageException("bench: no kubeconfig " + kubeconfig + " (or use --local)");
            }
            result = Bench.against(dev.vkubelet.core.controlplane.LocalControlPlane.clientFor(kubeconfig), workload,
                    err, terminal);
        }
        out.print(result.summary());
        if (bench.json != null) {
            Files.writeString(Path.of(bench.json), result.toJson());
            out.println("result: " + Path.of(bench.json).toAbsolutePath());
        }
        return OK;
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
