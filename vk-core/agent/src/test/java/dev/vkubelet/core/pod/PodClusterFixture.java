package dev.vkubelet.core.pod;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.node.NodeSettings;
import dev.vkubelet.core.queue.Backoff;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** One node and one namespace on the shared control plane, with helpers to make and watch pods. */
public final class PodClusterFixture implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(45);
    static final UnaryOperator<NodeSettings> FAST_NODE = fastNode(NodeDefaults.LEASE_DURATION);
    /** Faster polls and retries; provider calls time out after 10 s unless --provider-timeout says otherwise. */
    static final UnaryOperator<PodControllerSettings> FAST_PODS = s -> new PodControllerSettings(s.nodeName(),
            s.hostIp(), s.workers(), Duration.ofMillis(300),
            s.providerTimeout().equals(PodControllerSettings.PROVIDER_TIMEOUT) ? Duration.ofSeconds(10)
                    : s.providerTimeout(),
            new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)));

    final LocalControlPlane plane;
    final CoreV1Api admin;
    final String node;
    final String namespace;
    private final List<VirtualKubelet> agents = new ArrayList<>();

    public PodClusterFixture(LocalControlPlane plane) throws ApiException {
        this.plane = plane;
        this.admin = new CoreV1Api(plane.adminClient());
        this.node = Names.unique("vk-pods");
        this.namespace = Names.unique("ns");
        admin.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
    }

    RunConfig config(String provider, String... flags) throws IOException {
        return config(Map.of(), provider, flags);
    }

    RunConfig config(Map<String, String> env, String provider, String... flags) throws IOException {
        NodeOptions options = new NodeOptions(env, Path.of("/nonexistent-home"), Optional.empty());
        List<String> args = new ArrayList<>(List.of("--provider", provider, "--nodename", node,
                "--metrics-addr", "127.0.0.1:0", "--listen-port", "0",
                "--client-ca-file", plane.caCertificate().toString(),
                "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins")));
        if (!List.of(flags).contains("--kubeconfig")) {
            // the node's own identity, as a kubelet has: Node authorizer and NodeRestriction
            args.addAll(List.of("--kubeconfig", plane.nodeKubeconfig(node).toString()));
        }
        args.addAll(List.of(flags));
        com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse(args.toArray(String[]::new));
        return options.toRunConfig();
    }

    /** Starts an agent with the mock plugin. */
    public VirtualKubelet startMock(String... flags) throws Exception {
        return startMock(Map.of(), flags);
    }

    /** Starts an agent with the mock plugin and these environment variables. */
    public VirtualKubelet startMock(Map<String, String> env, String... flags) throws Exception {
        return start(env, "mock", flags);
    }

    /** Starts an agent with the plugin provider {@code provider} from the plugins directory. */
    public VirtualKubelet start(Map<String, String> env, String provider, String... flags) throws Exception {
        return started(new VirtualKubelet(config(env, provider, flags), FAST_NODE, FAST_PODS));
    }

    /** Starts an agent with the mock plugin whose node leases last {@code lease} (a stopped node goes stale sooner). */
    public VirtualKubelet startMockWithLease(Duration lease, String... flags) throws Exception {
        return started(new VirtualKubelet(config(Map.of(), "mock", flags), fastNode(lease), FAST_PODS));
    }

    /** Heartbeats every second, status every 5 s, pings within 2 s; leases of {@code lease}. */
    private static UnaryOperator<NodeSettings> fastNode(Duration lease) {
        return s -> s.withTimings(lease, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    /** Starts {@code agent}, stopped with the fixture. */
    private VirtualKubelet started(VirtualKubelet agent) throws Exception {
        agents.add(agent);
        agent.start();
        return agent;
    }

    /** Stops one agent (as a process exit would), leaving the node and its pods in place. */
    public void stop(VirtualKubelet agent) {
        agents.remove(agent);
        agent.close();
    }

    /** Runs kubectl with the admin kubeconfig and returns its output lines; fails on a non-zero exit. */
    public List<String> kubectl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(plane.kubectl().toString(), "--kubeconfig", plane.adminKubeconfig().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out.lines().toList();
    }

    /** Starts an agent with an in-process provider. */
    public VirtualKubelet startEmbedded(PodLifecycleHandler provider, String... flags) throws Exception {
        return started(VirtualKubelet.embedded(config("in-memory", flags), c -> provider, FAST_NODE, FAST_PODS));
    }

    /** Starts an agent whose in-process provider is made from the context the host hands it. */
    public VirtualKubelet startEmbedded(java.util.function.Function<dev.vkubelet.provider.ProviderContext,
            PodLifecycleHandler> provider, String... flags) throws Exception {
        return started(VirtualKubelet.embedded(config("in-memory", flags), provider, FAST_NODE, FAST_PODS));
    }

    /**
     * A one-container pod. client-java 27 models start with empty collections; an empty
     * {@code overhead} makes a 1.20 API server reject the pod, so it is cleared.
     */
    public static V1Pod pod(String name) {
        return new V1Pod().metadata(new V1ObjectMeta().name(name))
                .spec(new V1PodSpec().overhead(null).containers(new ArrayList<>(List.of(new V1Container().name("app")
                        .image("busybox:1.36").command(List.of("sleep", "3600"))))));
    }

    public V1Pod create(V1Pod pod) throws ApiException {
        pod.getSpec().nodeName(node);
        pod.getMetadata().namespace(namespace);
        return admin.createNamespacedPod(namespace, pod).execute();
    }

    public Optional<V1Pod> read(String name) {
        return found(() -> admin.readNamespacedPod(name, namespace).execute());
    }

    /** A read of the API. */
    public interface ApiRead<T> {
        T run() throws ApiException;
    }

    /** What {@code read} answers, or empty when the object does not exist (404); other failures throw. */
    public static <T> Optional<T> found(ApiRead<T> read) {
        try {
            return Optional.of(read.run());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw new IllegalStateException(e);
        }
    }

    /** Creates a one-container pod named {@code name} bound to the node. */
    public V1Pod create(String name) throws ApiException {
        return create(pod(name));
    }

    public LocalControlPlane plane() {
        return plane;
    }

    public CoreV1Api admin() {
        return admin;
    }

    public String node() {
        return node;
    }

    public String namespace() {
        return namespace;
    }

    public V1Pod awaitRunning(String name) {
        return awaitRunning(name, WAIT);
    }

    /** The same, waiting up to {@code wait}. */
    public V1Pod awaitRunning(String name, Duration wait) {
        return Await.until(wait, "pod " + name + " Running and Ready", () -> read(name).filter(p ->
                p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                        && p.getStatus().getPodIP() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))));
    }

    List<CoreV1Event> events(String pod) throws ApiException {
        return admin.listNamespacedEvent(namespace).fieldSelector("involvedObject.name=" + pod).execute().getItems();
    }

    public CoreV1Event awaitEvent(String pod, String reason) {
        return Await.until(WAIT, "event " + reason + " on " + pod, () -> {
            try {
                return events(pod).stream().filter(e -> reason.equals(e.getReason())).findFirst();
            } catch (ApiException e) {
                return Optional.empty();
            }
        });
    }

    void stopAgents() {
        agents.forEach(VirtualKubelet::close);
        agents.clear();
    }

    @Override
    public void close() throws ApiException {
        stopAgents();
        admin.deleteNamespace(namespace).execute();
        try {
            admin.deleteNode(node).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The node {@code name} once its {@code Ready} condition is {@code True}; empty before (or while it is missing). */
    public static Optional<io.kubernetes.client.openapi.models.V1Node> readyNode(CoreV1Api admin, String name) {
        try {
            io.kubernetes.client.openapi.models.V1Node node = admin.readNode(name).execute();
            boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                    && node.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            return ready ? Optional.of(node) : Optional.empty();
        } catch (ApiException e) {
            return Optional.empty();
        }
    }
}
