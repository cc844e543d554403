package dev.vkubelet.core.bench;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Creates N pods bound to a node (mock provider unless {@code --provider} names another) as fast
 * as the API server accepts them, then deletes them, and reports throughput and latency
 * percentiles from create to Running and from delete to gone, with the JVM's peak RSS (node agent
 * and benchmark driver share the JVM).
 *
 * <p>Usage: {@code PodBench [--plugin-dir DIR] [--provider NAME] N [N ...] [-- AGENT-FLAGS]};
 * agent flags (e.g. {@code --provider-config aws.yaml} or {@code --trace-exporter zpages
 * --trace-sample-rate always}) go to the node agent, whose exporter settings come from the
 * environment.
 */
public final class PodBench {

    private static final int CLIENT_THREADS = 16;
    private static final long TIMEOUT_MINUTES = 15;

    private PodBench() {}

    public static void main(String[] args) throws Exception {
        String pluginDir = "plugins";
        String provider = "mock";
        List<Integer> sizes = new ArrayList<>();
        List<String> agentFlags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                agentFlags.addAll(List.of(args).subList(i + 1, args.length));
                break;
            } else if (args[i].equals("--plugin-dir")) {
                pluginDir = args[++i];
            } else if (args[i].equals("--provider")) {
                provider = args[++i];
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000);
        }
        try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                LocalControlPlane.Options.apiServerOnly())) {
            for (int n : sizes) {
                run(plane, n, pluginDir, provider, agentFlags);
            }
        }
        System.exit(0);
    }

    private static void run(LocalControlPlane plane, int n, String pluginDir, String provider,
            List<String> agentFlags) throws Exception {
        String node = "vk-bench-" + n;
        String namespace = "bench-" + n;
        CoreV1Api admin = new CoreV1Api(plane.adminClient());
        admin.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
        NodeOptions options = new NodeOptions(System.getenv(), Path.of("/nonexistent"), Optional.empty());
        List<String> flags = new ArrayList<>(List.of("--provider", provider, "--nodename", node,
                "--plugin-dir", pluginDir, "--log-level", "warn", "--metrics-addr", "127.0.0.1:0", "--listen-port", "0",
                "--kubeconfig", plane.nodeKubeconfig(node).toString()));
        flags.addAll(agentFlags);
        com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse(flags.toArray(String[]::new));
        RunConfig config = options.toRunConfig();

        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        Map<String, Long> deleteStarted = new ConcurrentHashMap<>();
        Map<String, Long> gone = new ConcurrentHashMap<>();
        ApiClient watchClient = LocalControlPlane.clientFor(plane.adminKubeconfig());
        SharedInformerFactory factory = new SharedInformerFactory(watchClient);
        CoreV1Api watchApi = new CoreV1Api(watchClient);
        SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(p -> watchApi
                        .listNamespacedPod(namespace).resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                        .watch(p.watch).buildCall(null), V1Pod.class, V1PodList.class, 0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                observe(pod);
            }

            @Override
            public void onUpdate(V1Pod old, V1Pod now) {
                observe(now);
            }

            @Override
            public void onDelete(V1Pod pod, boolean unknown) {
                gone.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
            }

            private void observe(V1Pod pod) {
                if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                        && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                    running.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                }
            }
        });
        factory.startAllRegisteredInformers();

        VirtualKubelet agent = new VirtualKubelet(config);
        agent.start();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            long start = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "pod-" + i;
                calls.add(clients.submit(() -> {
                    created.put(name, System.nanoTime());
                    admin.createNamespacedPod(namespace, pod(name, node)).execute();
                    return null;
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
            long accepted = System.nanoTime();
            await(() -> running.size() >= n, "all " + n + " pods Running");
            long allRunning = running.values().stream().mapToLong(Long::longValue).max().orElse(start);
            report("create -> Running", n, start, accepted, allRunning, latencies(created, running));

            calls.clear();
            long deleteStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String name = "pod-" + i;
                calls.add(clients.submit(() -> {
                    deleteStarted.put(name, System.nanoTime());
                    admin.deleteNamespacedPod(name, namespace).execute();
                    return null;
                }));
            }
            for (Future<?> f : calls) {
                f.get();
            }
            long deletesAccepted = System.nanoTime();
            await(() -> gone.size() >= n, "all " + n + " pods gone");
            long allGone = gone.values().stream().mapToLong(Long::longValue).max().orElse(deleteStart);
            report("delete -> gone", n, deleteStart, deletesAccepted, allGone, latencies(deleteStarted, gone));
            System.out.printf("peak RSS of the JVM (agent + driver): %d MiB%n", peakRssKib() / 1024);
        } finally {
            clients.shutdownNow();
            agent.close();
            factory.stopAllRegisteredInformers();
        }
    }

    private static V1Pod pod(String name, String node) {
        return new V1Pod().metadata(new V1ObjectMeta().name(name))
                .spec(new V1PodSpec().overhead(null).nodeName(node).containers(List.of(
                        new V1Container().name("app").image("busybox:1.36"))));
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(Condition condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long[] latencies(Map<String, Long> from, Map<String, Long> to) {
        return from.entrySet().stream().filter(e -> to.containsKey(e.getKey()))
                .mapToLong(e -> to.get(e.getKey()) - e.getValue()).sorted().toArray();
    }

    private static void report(String what, int n, long start, long accepted, long end, long[] sorted) {
        double seconds = (end - start) / 1e9;
        System.out.printf("N=%d %s: %.1f pods/s end to end (API accepted all in %.2f s, last done at %.2f s); "
                        + "latency ms p50 %.0f, p90 %.0f, p99 %.0f, max %.0f%n",
                n, what, n / seconds, (accepted - start) / 1e9, seconds, pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static long peakRssKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }
}
