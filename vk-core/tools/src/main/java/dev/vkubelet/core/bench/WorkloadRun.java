package dev.vkubelet.core.bench;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Drives a {@link Workload} against a cluster and measures it: creates the pods (at the workload's
 * rate), waits until each is ready, optionally reads its logs, deletes them and waits until they
 * are gone, watching the pods with an informer. A pod that misses a step within the timeout is
 * recorded as a failure and the run goes on, so a broken provider ends in a result, not a hang.
 */
public final class WorkloadRun {

    private static final int CLIENT_THREADS = 16;

    private final ApiClient client;
    private final Workload workload;
    private final String provider;
    private final PrintStream progress;
    private final boolean terminal;
    /** Runs once every pod is ready (or failed to be), before any is deleted. */
    private Runnable onReady = () -> {};

    /**
     * @param progress where progress goes: a line rewritten in place on a terminal, else a line every
     *     few seconds
     */
    public WorkloadRun(ApiClient client, Workload workload, String provider, PrintStream progress, boolean terminal) {
        this.client = client;
        this.workload = workload;
        this.provider = provider;
        this.progress = progress;
        this.terminal = terminal;
    }

    private String name(int i) {
        return "bench-" + i;
    }

    V1Pod pod(int i) {
        List<V1Container> containers = new ArrayList<>();
        for (int c = 0; c < workload.containers(); c++) {
            V1Container container = new V1Container().name("c" + c).image("busybox:1.36");
            if (workload.jobs()) {
                container.command(List.of("sh", "-c", "echo job " + i + "; sleep " + workload.jobSeconds() + "; exit "
                        + (c == 0 ? workload.jobExitCode().getAsInt() : 0)));
            } else {
                container.command(List.of("sh", "-c", "echo started " + i + "; sleep 86400"));
            }
            List<V1EnvVar> env = new ArrayList<>();
            for (int e = 0; e < workload.envVars(); e++) {
                env.add(new V1EnvVar().name("BENCH_VAR_" + e).value("value-" + e));
            }
            container.env(env.isEmpty() ? null : env);
            List<V1ContainerPort> ports = new ArrayList<>();
            for (int p = 0; p < workload.ports(); p++) {
                ports.add(new V1ContainerPort().containerPort(8000 + c * 100 + p));
            }
            container.ports(ports.isEmpty() ? null : ports);
            containers.add(container);
        }
        return new V1Pod().metadata(new V1ObjectMeta().name(name(i)).putLabelsItem("app", "vk-bench"))
                .spec(new V1PodSpec().overhead(null).nodeName(workload.nodeOf(i))
                        .restartPolicy(workload.jobs() ? "Never" : "Always")
                        .tolerations(List.of(new V1Toleration().operator("Exists")))
                        .containers(containers));
    }

    private boolean done(V1Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if (workload.jobs()) {
            return "Succeeded".equals(phase) || "Failed".equals(phase);
        }
        return "Running".equals(phase) && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String seen(V1Pod pod) {
        if (pod == null || pod.getStatus() == null) {
            return "no status";
        }
        return "phase " + pod.getStatus().getPhase() + (pod.getStatus().getReason() == null ? ""
                : ", " + pod.getStatus().getReason() + ": " + pod.getStatus().getMessage());
    }

    /** Runs the workload; the namespace is created if missing. */
    /** Runs {@code step} once every pod is ready, before the deletions start (e.g. to read a CPU clock). */
    WorkloadRun onReady(Runnable step) {
        this.onReady = java.util.Objects.requireNonNull(step, "step");
        return this;
    }

    public BenchResult run() throws Exception {
        CoreV1Api api = new CoreV1Api(client);
        try {
            api.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(workload.namespace()))).execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> ready = new ConcurrentHashMap<>();
        Map<String, Long> deleteStarted = new ConcurrentHashMap<>();
        Map<String, Long> gone = new ConcurrentHashMap<>();
        Map<String, V1Pod> last = new ConcurrentHashMap<>();
        SharedInformerFactory factory = new SharedInformerFactory(client);
        SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(p -> api
                .listNamespacedPod(workload.namespace()).labelSelector("app=vk-bench")
                .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch).buildCall(null),
                V1Pod.class, V1PodList.class, 0);
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
                last.put(pod.getMetadata().getName(), pod);
                if (done(pod)) {
                    ready.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                }
            }
        });
        factory.startAllRegisteredInformers();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        List<BenchResult.Failure> failures = new ArrayList<>();
        int n = workload.pods();
        Thread ticker = progress(created, ready, deleteStarted, gone);
        try {
            long start = System.nanoTime();
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                pace(start, i);
                int index = i;
                calls.add(clients.submit(() -> {
                    created.put(name(index), System.nanoTime());
                    api.createNamespacedPod(workload.namespace(), pod(index)).execute();
                    return null;
                }));
            }
            for (int i = 0; i < n; i++) {
                try {
                    calls.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    created.remove(name(i));
                    failures.add(new BenchResult.Failure(name(i), "create", "the API server refused it: "
                            + dev.vkubelet.core.kube.ApiMessages.describe(e.getCause())));
                }
            }
            await(() -> created.keySet().stream().allMatch(ready::containsKey));
            onReady.run();
            long readyEnd = ready.values().stream().mapToLong(Long::longValue).max().orElse(start);
            for (String pod : created.keySet()) {
                if (!ready.containsKey(pod)) {
                    failures.add(new BenchResult.Failure(pod, "create", "not " + (workload.jobs() ? "finished"
                            : "Running and Ready") + " within " + workload.timeout() + ": " + seen(last.get(pod))));
                }
            }
            BenchResult.Phase create = BenchResult.Phase.of(latencies(created, ready),
                    n - latencies(created, ready).length, start, readyEnd);
            int logsRead = 0;
            if (workload.readLogs()) {
                for (String pod : ready.keySet()) {
                    try {
                        api.readNamespacedPodLog(pod, workload.namespace()).container("c0").execute();
                        logsRead++;
                    } catch (ApiException e) {
                        failures.add(new BenchResult.Failure(pod, "logs",
                                dev.vkubelet.core.kube.ApiMessages.describe(e)));
                    }
                }
            }
            String nodes = workload.nodes() == 1 ? workload.node()
                    : workload.node() + "-0.." + workload.node() + "-" + (workload.nodes() - 1);
            if (workload.keepPods()) {
                failures.sort(java.util.Comparator.comparing(BenchResult.Failure::pod));
                return new BenchResult(provider, nodes, n, create, BenchResult.Phase.SKIPPED, logsRead,
                        List.copyOf(failures), "");
            }
            calls.clear();
            long deleteStart = System.nanoTime();
            int deleted = 0;
            for (String pod : created.keySet()) {
                pace(deleteStart, deleted++);
                calls.add(clients.submit(() -> {
                    deleteStarted.put(pod, System.nanoTime());
                    api.deleteNamespacedPod(pod, workload.namespace()).execute();
                    return null;
                }));
            }
            for (Future<?> f : calls) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // the pod stays in deleteStarted without gone: a failure below
                }
            }
            await(() -> deleteStarted.keySet().stream().allMatch(gone::containsKey));
            long goneEnd = gone.values().stream().mapToLong(Long::longValue).max().orElse(deleteStart);
            for (String pod : deleteStarted.keySet()) {
                if (!gone.containsKey(pod)) {
                    failures.add(new BenchResult.Failure(pod, "delete", "not gone within " + workload.timeout() + ": "
                            + seen(last.get(pod))));
                }
            }
            long[] deleteLatencies = latencies(deleteStarted, gone);
            BenchResult.Phase delete = BenchResult.Phase.of(deleteLatencies, n - deleteLatencies.length, deleteStart,
                    goneEnd);
            failures.sort(java.util.Comparator.comparing(BenchResult.Failure::pod));
            return new BenchResult(provider, nodes, n, create, delete, logsRead, List.copyOf(failures), "");
        } finally {
            ticker.interrupt();
            clients.shutdownNow();
            factory.stopAllRegisteredInformers();
        }
    }

    private Thread progress(Map<String, Long> created, Map<String, Long> ready, Map<String, Long> deleting,
            Map<String, Long> gone) {
        Thread t = new Thread(() -> {
            long every = terminal ? 250 : 5_000;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(every);
                    String line = String.format("pods: %d created, %d %s, %d deleted, %d gone", created.size(),
                            ready.size(), workload.jobs() ? "finished" : "running", deleting.size(), gone.size());
                    if (terminal) {
                        progress.print("\r" + line);
                    } else {
                        progress.println(line);
                    }
                    progress.flush();
                }
            } catch (InterruptedException e) {
                // the run is over
            }
            if (terminal) {
                progress.println();
            }
        }, "bench-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + workload.timeout().toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
    }

    /** Waits until request {@code i} is due at the workload's rate (no wait at rate 0). */
    private void pace(long start, int i) throws InterruptedException {
        if (workload.ratePerSecond() > 0) {
            long wait = start + (long) (i * 1e9 / workload.ratePerSecond()) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    private static long[] latencies(Map<String, Long> from, Map<String, Long> to) {
        return from.entrySet().stream().filter(e -> to.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, to.get(e.getKey()) - e.getValue())).sorted().toArray();
    }
}
