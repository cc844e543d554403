package dev.vkubelet.core.launcher;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.bench.Bench;
import dev.vkubelet.core.bench.BenchResult;
import dev.vkubelet.core.bench.Workload;
import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.cli.FlagTypes;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.cli.UsageException;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code virtual-kubelet bench}: a pod workload against a node, measured. */
@Parameters(separators = " =", commandDescription = "Drive a workload of pods against a node and measure it:"
        + " create, wait ready, optionally read logs, delete, wait gone; prints throughput and latency"
        + " percentiles and writes the result as JSON")
final class BenchCommand implements Cli.Subcommand {

    /** The JVM options bin/virtual-kubelet runs the agent with (its VK_JVM_DEFAULTS). */
    static final List<String> LAUNCHER_JVM = List.of("-XX:+UseSerialGC", "-Xms32m", "-XX:TieredStopAtLevel=1");

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
            + " failures", converter = FlagTypes.GoDurationConverter.class)
    FlagTypes.GoDuration timeout = FlagTypes.GoDuration.parse("5m");

    @Parameter(names = "--keep-pods", description = "Leave the pods in place: no delete phase (a run whose deletions"
            + " alone would take long, on a control plane thrown away after it)")
    boolean keepPods;

    @Parameter(names = "--warmup-pods", description = "With --node-process: a first round of this many pods"
            + " (created, awaited, deleted; not measured) so the measured one meets compiled code")
    int warmupPods;

    @Parameter(names = "--json", description = "Write the result as JSON to this file")
    String json;

    @Parameter(names = "--namespace", description = "The namespace of the pods (created if missing)")
    String namespace = "vk-bench";

    @Parameter(names = "--nodes", description = "Spread the pods in turn over this many nodes of one process,"
            + " --nodename-0 … (an agent started with --node-count; with --local the bench starts it so)")
    int nodes = 1;

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

    @Parameter(names = "--node-process", description = "With --local: run the node agent (or the --api-ceiling"
            + " writer) in a JVM of its own, as it runs in production, and report its CPU time per pod and peak RSS")
    boolean nodeProcess;

    @Parameter(names = "--node-jvm", description = "With --node-process: the node JVM's options, space-separated"
            + " (default: the launcher's, -XX:+UseSerialGC -Xms32m -XX:TieredStopAtLevel=1, for an agent; the JVM's"
            + " own defaults for the --api-ceiling writer, its best case)")
    String nodeJvm;

    @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
    boolean help;
    private final Map<String, String> environment;
    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(Map<String, String> env, Path home, Optional<Path> installHome, PrintStream out, PrintStream err) {
        this.environment = Map.copyOf(env);
        this.home = Objects.requireNonNull(home, "home");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.pluginDir = installHome.map(h -> h.resolve("plugins")).orElse(Path.of("plugins")).toString();
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public boolean helpRequested() {
        return help;
    }

    @Override
    public int run() throws Exception {
        BenchCommand bench = this;
        Workload workload;
        try {
            workload = new Workload(bench.namespace, bench.node, bench.pods, bench.rate, bench.containers, bench.env,
                    bench.ports, bench.jobExit == null ? OptionalInt.empty() : OptionalInt.of(bench.jobExit),
                    bench.jobSeconds, bench.logs, bench.timeout.value(), bench.nodes, bench.keepPods,
                    bench.warmupPods);
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
            if (bench.nodeJvm != null && !bench.nodeProcess) {
                throw new UsageException("bench: --node-jvm sets the options of --node-process: add it");
            }
            if (bench.warmupPods > 0 && !bench.nodeProcess) {
                throw new UsageException("bench: --warmup-pods warms the node of --node-process: add it");
            }
            Optional<List<String>> jvm = !bench.nodeProcess ? Optional.empty() : Optional.of(bench.nodeJvm != null
                    ? List.of(bench.nodeJvm.trim().split("\\s+")).stream().filter(o -> !o.isEmpty()).toList()
                    : bench.apiCeiling ? List.of() : LAUNCHER_JVM);
            if (bench.apiCeiling) {
                if (bench.nodes > 1) {
                    throw new UsageException("bench: --api-ceiling writes the statuses of one node: no --nodes");
                }
                if (bench.workers < 1) {
                    throw new UsageException("bench: --workers must be at least 1, got " + bench.workers);
                }
                result = Bench.apiCeiling(environment, bench.workers, jvm, workload, err, terminal);
            } else {
                result = Bench.local(environment, bench.provider, bench.pluginDir, flags, agentFlags -> NodeOptions.runConfigOf(environment,
                        agentFlags), jvm, workload, err, terminal);
            }
        } else {
            if (bench.apiCeiling) {
                throw new UsageException("bench: --api-ceiling needs --local: it starts its own control plane");
            }
            if (bench.nodeProcess || bench.nodeJvm != null || bench.warmupPods > 0) {
                throw new UsageException("bench: --node-process, --node-jvm and --warmup-pods need --local: they"
                        + " start the node");
            }
            Path kubeconfig = bench.kubeconfig != null ? Path.of(bench.kubeconfig)
                    : environment.get("KUBECONFIG") != null ? Path.of(environment.get("KUBECONFIG")) : home.resolve(".kube/config");
            if (!Files.isRegularFile(kubeconfig)) {
                throw new UsageException("bench: no kubeconfig " + kubeconfig + " (or use --local)");
            }
            result = Bench.against(LocalControlPlane.clientFor(kubeconfig), workload,
                    err, terminal);
        }
        out.print(result.summary());
        if (bench.json != null) {
            Files.writeString(Path.of(bench.json), result.toJson());
            out.println("result: " + Path.of(bench.json).toAbsolutePath());
        }
        return Cli.OK;
    }
}
