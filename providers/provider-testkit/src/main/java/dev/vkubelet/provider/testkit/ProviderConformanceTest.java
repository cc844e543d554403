package dev.vkubelet.provider.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.MultiNodeProvider;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviours every provider must have. Extend it, implement {@link #factory()} and, when the
 * provider needs one, {@link #configPath()}; the suite creates one provider per test.
 */
public abstract class ProviderConformanceTest {

    /** The node name the suite's providers are created for. */
    protected static final String NODE = "conformance-node";

    /** How long a provider may take to reach a state (override for slow backends). */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** The provider factory under test. */
    protected abstract ProviderFactory factory();

    /** The provider configuration file, if the provider needs one. */
    protected Optional<Path> configPath() {
        return Optional.empty();
    }

    /** The context the suite creates providers with. */
    protected ProviderContext context() {
        return new ProviderContext(NODE, "linux", "10.0.0.10", 10250, "cluster.local", configPath(),
                ClusterResources.empty(), Tracer.noop(), ProviderMetrics.none());
    }

    protected PodLifecycleHandler provider;
    private final Map<String, V1Pod> notified = new ConcurrentHashMap<>();

    @BeforeEach
    void createProvider() {
        provider = factory().create(context());
        assertNotNull(provider, "factory returned no provider");
        if (provider instanceof PodStatusNotifier notifier) {
            notifier.notifyPods(pod -> notified.put(key(pod), pod));
        }
    }

    @AfterEach
    void closeProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    private static String key(V1Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static boolean running(V1PodStatus status) {
        return "Running".equals(status.getPhase())
                && status.getContainerStatuses() != null
                && !status.getContainerStatuses().isEmpty()
                && status.getContainerStatuses().stream().allMatch(c -> c.getState() != null
                        && c.getState().getRunning() != null);
    }

    private static boolean allTerminated(V1PodStatus status) {
        List<V1ContainerStatus> containers = status.getContainerStatuses();
        return containers != null && !containers.isEmpty() && containers.stream()
                .allMatch(c -> c.getState() != null && c.getState().getTerminated() != null);
    }

    @Test
    void factoryHasAStableLowerCaseName() {
        String name = factory().name();
        assertTrue(name != null && name.matches("[a-z0-9][a-z0-9-]*"), "bad provider name: " + name);
        assertEquals(name, factory().name());
    }

    @Test
    void createdPodReachesRunning() {
        V1Pod pod = TestPods.pod("default", "runs", NODE);
        provider.createPod(pod);
        V1PodStatus status = Await.until(timeout(), "pod Running", () ->
                provider.getPodStatus("default", "runs").filter(ProviderConformanceTest::running));
        assertEquals(1, status.getContainerStatuses().size());
        assertEquals("app", status.getContainerStatuses().get(0).getName());
        assertTrue(provider.getPod("default", "runs").isPresent());
    }

    /**
     * A provider that serves several nodes from one instance keeps each node's pods apart: both
     * nodes' pods run and are listed with their node, and a removed node's pods leave the instance
     * while the other node's stay. Skipped for a provider without {@link MultiNodeProvider}.
     */
    @Test
    void aProviderServingSeveralNodesKeepsEachNodesPods() {
        Assumptions.assumeTrue(provider instanceof MultiNodeProvider, "one instance per node");
        MultiNodeProvider nodes = (MultiNodeProvider) provider;
        ProviderContext first = context();
        String other = NODE + "-2";
        nodes.addNode(new ProviderContext(other, first.operatingSystem(), first.internalIp(), first.daemonPort() + 1,
                first.clusterDomain(), first.configPath(), first.resources(), first.tracer(), first.metrics()));
        provider.createPod(TestPods.pod("default", "on-first", NODE));
        provider.createPod(TestPods.pod("default", "on-other", other));
        for (String name : List.of("on-first", "on-other")) {
            Await.until(timeout(), name + " Running", () ->
                    provider.getPodStatus("default", name).filter(ProviderConformanceTest::running));
        }
        Map<String, String> nodeOf = new java.util.TreeMap<>();
        provider.getPods().forEach(p -> nodeOf.put(p.getMetadata().getName(), p.getSpec().getNodeName()));
        assertEquals(Map.of("on-first", NODE, "on-other", other), nodeOf, "each pod listed with its node");
        nodes.removeNode(other);
        assertEquals(List.of("on-first"), provider.getPods().stream().map(p -> p.getMetadata().getName()).toList(),
                "a removed node's pods are no longer this instance's");
        assertTrue(provider.getPodStatus("default", "on-first").filter(ProviderConformanceTest::running).isPresent());
    }

    @Test
    void createIsIdempotent() {
        V1Pod pod = TestPods.pod("default", "twice", NODE);
        provider.createPod(pod);
        provider.createPod(pod);
        long count = provider.getPods().stream().filter(p -> "twice".equals(p.getMetadata().getName())).count();
        assertEquals(1, count);
    }

    @Test
    void listedPodsAreTheCreatedOnes() {
        provider.createPod(TestPods.pod("ns-a", "one", NODE));
        provider.createPod(TestPods.pod("ns-b", "two", NODE));
        List<String> keys = provider.getPods().stream().map(ProviderConformanceTest::key).sorted().toList();
        assertEquals(List.of("ns-a/one", "ns-b/two"), keys);
    }

    @Test
    void updateChangesTheRunningPod() {
        V1Pod pod = TestPods.pod("default", "updated", NODE);
        provider.createPod(pod);
        V1PodStatus before = Await.until(timeout(), "pod Running", () ->
                provider.getPodStatus("default", "updated").filter(ProviderConformanceTest::running));
        V1Pod changed = TestPods.pod("default", "updated", NODE);
        changed.getMetadata().uid(pod.getMetadata().getUid()).putLabelsItem("tier", "gold");
        provider.updatePod(changed);
        changed.getMetadata().putLabelsItem("tier", "changed by the caller afterwards");
        V1Pod seen = provider.getPod("default", "updated").orElseThrow();
        assertEquals("gold", seen.getMetadata().getLabels().get("tier"),
                "the provider does not hold the update as it was given (or holds the caller's object)");
        V1PodStatus after = provider.getPodStatus("default", "updated").orElseThrow();
        assertTrue(running(after), "an update of labels stopped the pod: " + after);
        assertEquals(startTimes(before), startTimes(after), "an update of labels restarted containers");
    }

    /** Each container's name, start time and restart count. */
    private static List<String> startTimes(V1PodStatus status) {
        return status.getContainerStatuses().stream()
                .map(c -> c.getName() + "@" + c.getState().getRunning().getStartedAt() + "#" + c.getRestartCount())
                .toList();
    }

    @Test
    void deleteEndsWithAllContainersTerminatedAndNothingHeld() {
        V1Pod pod = TestPods.pod("default", "deleted", NODE);
        provider.createPod(pod);
        Await.until(timeout(), "pod Running", () ->
                provider.getPodStatus("default", "deleted").filter(ProviderConformanceTest::running));
        provider.deletePod(pod);
        // what the host waits for before it removes the API object
        Await.until(timeout(), "pod gone, or terminated with its resources released", () -> {
            Optional<V1PodStatus> status = provider.getPodStatus("default", "deleted");
            return status.isEmpty() || (allTerminated(status.get()) && !provider.releasing("default", "deleted"));
        });
        if (provider instanceof PodStatusNotifier) {
            Await.until(timeout(), "notification with terminated containers", () -> {
                V1Pod last = notified.get("default/deleted");
                return last != null && allTerminated(last.getStatus());
            });
        }
    }

    @Test
    void deleteTwiceIsNotFoundOrDone() {
        V1Pod pod = TestPods.pod("default", "double-delete", NODE);
        provider.createPod(pod);
        provider.deletePod(pod);
        try {
            provider.deletePod(pod);
        } catch (NotFoundException expected) {
            // the documented answer for a pod that is already gone
        }
        Await.until(timeout(), "pod gone", () -> provider.getPods().stream()
                .noneMatch(p -> "double-delete".equals(p.getMetadata().getName())
                        && !allTerminated(p.getStatus())));
    }

    @Test
    void unknownPodIsNotFound() {
        assertFalse(provider.getPod("default", "never-created").isPresent());
        assertFalse(provider.getPodStatus("default", "never-created").isPresent());
        assertFalse(provider.releasing("default", "never-created"), "an unknown pod holds nothing");
        V1Pod ghost = TestPods.pod("default", "never-created", NODE);
        assertThrows(NotFoundException.class, () -> provider.deletePod(ghost));
        assertThrows(NotFoundException.class, () -> provider.updatePod(ghost));
    }

    @Test
    void logsOfAnUnknownPodAreNotFound() {
        Assumptions.assumeTrue(provider instanceof ContainerLogs, "the provider serves no logs");
        ContainerLogs logs = (ContainerLogs) provider;
        assertThrows(NotFoundException.class,
                () -> logs.getContainerLogs("default", "never-created", "app", LogOptions.defaults()).close());
    }

    @Test
    void secretValuesNeverComeBackInThePodsTheProviderReturnsOrPushes() {
        String value = "conformance-secret-" + java.util.UUID.randomUUID();
        V1Pod pod = TestPods.withSecretEnv(TestPods.pod("default", "secret-env", NODE), "DB_PASSWORD", value,
                "db-credentials", "password");
        provider.createPod(pod);
        Await.until(timeout(), "pod Running", () ->
                provider.getPodStatus("default", "secret-env").filter(ProviderConformanceTest::running));
        String listed = io.kubernetes.client.openapi.JSON.serialize(provider.getPods());
        assertTrue(listed.contains("secret-env"), "getPods() does not list the pod: " + listed);
        assertFalse(listed.contains(value), "getPods() returned a Secret's value: " + listed);
        String got = io.kubernetes.client.openapi.JSON.serialize(provider.getPod("default", "secret-env")
                .orElseThrow());
        assertFalse(got.contains(value), "getPod() returned a Secret's value: " + got);
        String pushed = io.kubernetes.client.openapi.JSON.serialize(List.copyOf(notified.values()));
        assertFalse(pushed.contains(value), "a pushed pod carried a Secret's value: " + pushed);
    }
}
