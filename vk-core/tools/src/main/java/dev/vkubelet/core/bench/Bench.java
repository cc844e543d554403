package dev.vkubelet.core.bench;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Taint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code virtual-kubelet bench}: a workload against a node of an existing cluster, or against a
 * local control plane and a node agent it starts itself for a given provider.
 */
public final class Bench {

    private Bench() {}

    /** Runs {@code workload} against the node it names in the cluster of {@code client}. */
    public static BenchResult against(ApiClient client, Workload workload, PrintStream progress, boolean terminal)
            throws Exception {
        return new WorkloadRun(client, workload, providerOf(client, workload.nodeOf(0)), progress, terminal).run();
    }

    /** The provider a node runs, from its taint {@code virtual-kubelet.io/provider}, or {@code unknown}. */
    static String providerOf(ApiClient client, String node) throws ApiException {
        try {
            V1Node found = new CoreV1Api(client).readNode(node).execute();
            List<V1Taint> taints = found.getSpec() == null ? null : found.getSpec().getTaints();
            return taints == null ? "unknown" : taints.stream().filter(t -> "virtual-kubelet.io/provider"
                    .equals(t.getKey()) && t.getValue() != null).map(V1Taint::getValue).findFirst().orElse("unknown");
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                throw new IllegalArgumentException("there is no node " + node + " to run the workload on");
            }
            throw e;
        }
    }

    /**
     * Starts a local control plane and, instead of a node agent, a {@link StatusWriter} with
     * {@code workers} threads for the workload's node: the API server's ceiling for the same work.
     */
    public static BenchResult apiCeiling(Map<String, String> env, int workers, Workload workload, PrintStream progress,
            boolean terminal) throws Exception {
        return apiCeiling(env, workers, Optional.empty(), workload, progress, terminal);
    }

    /**
     * The same; with {@code nodeJvm}, the writer runs in a JVM of its own with those options (empty:
     * the JVM's defaults), so its ceiling is not the load generator's, and its CPU time is reported.
     */
    public static BenchResult apiCeiling(Map<String, String> env, int workers, Optional<List<String>> nodeJvm,
            Workload workload, PrintStream progress, boolean terminal) throws Exception {
        try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(env),
                LocalControlPlane.Options.apiServerOnly())) {
            if (nodeJvm.isPresent()) {
                try (NodeProcess writer = NodeProcess.start(nodeJvm.get(), StatusWriter.class.getName(), List.of(
                        plane.nodeKubeconfig(workload.node()).toString(), workload.node(), Integer.toString(workers)),
                        StatusWriter.READY, java.time.Duration.ofMinutes(2))) {
                    return measured(writer, plane.adminClient(), new WorkloadRun(plane.adminClient(), workload,
                            "api-ceiling(" + workers + " workers)", progress, terminal), workload, workers
                            + " workers, no client-side rate limit; in its own JVM " + describe(nodeJvm.get()),
                            progress, terminal);
                }
            }
            ApiClient watchClient = LocalControlPlane.clientFor(plane.nodeKubeconfig(workload.node()));
            watchClient.setReadTimeout(0);
            ApiClient client = LocalControlPlane.clientFor(plane.nodeKubeconfig(workload.node()));
            try (StatusWriter writer = new StatusWriter(watchClient, client, workload.node(), workers)) {
                return new WorkloadRun(plane.adminClient(), workload, "api-ceiling(" + workers + " workers)", progress,
                        terminal).run().withSettings(workers + " workers, no client-side rate limit; JVM " + jvmOptions());
            }
        }
    }

    /**
     * Starts a local control plane (etcd and kube-apiserver) and a node agent for {@code provider},
     * runs {@code workload} against its node, and stops both.
     *
     * @param agentFlags further node agent flags, e.g. {@code --provider-config} or trace settings
     * @param agentConfig turns node agent flags into the agent's run configuration (the command
     *     line's parser, which this package does not know)
     */
    public static BenchResult local(Map<String, String> env, String provider, String pluginDir, List<String> agentFlags,
            Function<List<String>, RunConfig> agentConfig, Workload workload, PrintStream progress, boolean terminal)
            throws Exception {
        return local(env, provider, pluginDir, agentFlags, agentConfig, Optional.empty(), workload, progress, terminal);
    }

    /**
     * The same; with {@code nodeJvm}, the agent runs in a JVM of its own with those options (what the
     * launcher uses when given its defaults), and its CPU time per pod is reported.
     */
    public static BenchResult local(Map<String, String> env, String provider, String pluginDir, List<String> agentFlags,
            Function<List<String>, RunConfig> agentConfig, Optional<List<String>> nodeJvm, Workload workload,
            PrintStream progress, boolean terminal) throws Exception {
        try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(env),
                LocalControlPlane.Options.apiServerOnly())) {
            java.nio.file.Path identity = plane.agentKubeconfig(workload.node(), workload.nodes(), "vk-bench");
            List<String> flags = new ArrayList<>(List.of("--provider", provider, "--nodename", workload.node(),
                    "--node-count", Integer.toString(workload.nodes()),
                    "--plugin-dir", pluginDir, "--log-level", "warn", "--metrics-addr", "127.0.0.1:0",
                    "--listen-port", "0", "--kubeconfig", identity.toString()));
            flags.addAll(agentFlags);
            RunConfig config = agentConfig.apply(flags);
            if (nodeJvm.isPresent()) {
                List<String> processFlags = new ArrayList<>(flags);
                processFlags.set(processFlags.indexOf("--log-level") + 1, "info"); // to see it ready
                try (NodeProcess agent = NodeProcess.start(nodeJvm.get(), "dev.vkubelet.core.cli.Main", processFlags,
                        "pod controller started", java.time.Duration.ofMinutes(5))) {
                    return measured(agent, plane.adminClient(), new WorkloadRun(plane.adminClient(), workload,
                            provider, progress, terminal), workload, settings(config).replaceAll("; JVM .*$", "")
                            + "; in its own JVM " + describe(nodeJvm.get()), progress, terminal);
                }
            }
            try (VirtualKubelet agent = new VirtualKubelet(config)) {
                agent.start();
                return new WorkloadRun(plane.adminClient(), workload, provider, progress, terminal).run()
                        .withSettings(settings(config));
            }
        }
    }

    /** Runs the workload and adds the node process's CPU time for starting and for deleting the pods. */
    private static BenchResult measured(NodeProcess node, ApiClient admin, WorkloadRun run, Workload workload,
            String settings, PrintStream progress, boolean terminal) throws Exception {
        if (workload.warmupPods() > 0) {
            progress.println("warm-up: " + workload.warmupPods() + " pods, not measured");
            BenchResult warm = new WorkloadRun(admin, workload.warmup(), "warm-up", progress, terminal).run();
            if (!warm.failures().isEmpty()) {
                throw new IllegalStateException("the warm-up round failed: " + warm.summary());
            }
            settings += "; after a warm-up of " + workload.warmupPods() + " pods";
        }
        java.util.OptionalDouble before = node.cpuSeconds();
        double[] ready = new double[1];
        BenchResult result = run.onReady(() -> ready[0] = node.cpuSeconds().orElse(Double.NaN)).run();
        java.util.OptionalDouble after = node.cpuSeconds();
        if (before.isEmpty() || after.isEmpty()) {
            return result.withSettings(settings);
        }
        double start = ready[0] - before.getAsDouble();
        double delete = after.getAsDouble() - ready[0];
        return result.withSettings(String.format(java.util.Locale.ROOT, "%s; node process CPU: %.2f s starting"
                + " the pods (%.2f ms a pod), %.2f s deleting them, peak RSS %s KiB", settings, start,
                start * 1000 / workload.pods(), delete, node.peakRssKib().map(String::valueOf).orElse("?")));
    }

    private static String describe(List<String> jvm) {
        return jvm.isEmpty() ? "(JVM defaults)" : String.join(" ", jvm);
    }

    /** The agent's settings that bear on throughput, and the JVM's options. */
    static String settings(RunConfig config) {
        return String.format(java.util.Locale.ROOT, "--pod-sync-workers %d, --kube-api-qps %s, --kube-api-burst %d,"
                + " --event-qps %s, --event-burst %d, --trace-sample-rate %s; JVM %s", config.podSyncWorkers(),
                config.kubeApiQps() > 0 ? number(config.kubeApiQps()) : "0 (no limit)", config.kubeApiBurst(),
                config.eventQps() > 0 ? number(config.eventQps()) : "0 (no limit)", config.eventBurst(),
                config.tracing().sampleRatePercent().isPresent()
                        ? number(config.tracing().sampleRatePercent().getAsDouble()) + " %" : "default",
                jvmOptions());
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The JVM's -X options (the launcher's defaults and JAVA_OPTS), or "defaults". */
    static String jvmOptions() {
        List<String> options = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X")).toList();
        return options.isEmpty() ? "defaults" : String.join(" ", options);
    }
}
