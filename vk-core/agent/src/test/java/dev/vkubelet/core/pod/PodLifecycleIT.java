package dev.vkubelet.core.pod;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static dev.vkubelet.core.pod.PodClusterFixture.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.util.PatchUtils;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pods through the mock plugin against a real kube-apiserver. */
@ExtendWith(LocalControlPlaneExtension.class)
class PodLifecycleIT {

    private final PodClusterFixture cluster;

    PodLifecycleIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private static Optional<V1Pod> inProvider(VirtualKubelet agent, String namespace, String name) {
        return agent.provider().pods().getPod(namespace, name);
    }

    @Test
    void aBoundPodRunsWithReadyAndAPodIp() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        V1Pod web = pod("web");
        web.getMetadata().putLabelsItem("app", "web").putAnnotationsItem("note", "kept");
        V1Pod created = cluster.create(web);
        V1Pod running = cluster.awaitRunning("web");
        assertTrue(running.getStatus().getPodIP().startsWith("10.244."), running.getStatus().getPodIP());
        // the status write sends neither spec nor managed fields: the API server keeps both, and the labels
        assertEquals(created.getSpec().getContainers(), running.getSpec().getContainers());
        assertEquals(java.util.Map.of("app", "web"), running.getMetadata().getLabels());
        assertEquals(java.util.Map.of("note", "kept"), running.getMetadata().getAnnotations());
        // client-java leaves managedFields out of the models it reads (an empty list), so read them raw
        try (okhttp3.Response raw = cluster.admin.readNamespacedPod("web", cluster.namespace).buildCall(null)
                .execute()) {
            String json = raw.body().string();
            assertTrue(json.contains("\"managedFields\"") && json.contains("\"f:spec\""),
                    "the creator's managed fields are gone: " + json);
        }
        assertEquals("127.0.0.1", running.getStatus().getHostIP());
        assertTrue(inProvider(agent, cluster.namespace, "web").isPresent());
        assertTrue(agent.provider().pods().getPods().stream().anyMatch(p -> "web".equals(p.getMetadata().getName())));
        cluster.awaitEvent("web", "ProviderCreateSuccess");
    }

    @Test
    void gracefulDeleteRemovesTheObjectAsSoonAsTheProviderHasStopped() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        cluster.create(pod("graceful"));
        cluster.awaitRunning("graceful");
        long start = System.nanoTime();
        cluster.admin.deleteNamespacedPod("graceful", cluster.namespace).gracePeriodSeconds(30).execute();
        Await.until(WAIT, "provider no longer has the pod",
                () -> inProvider(agent, cluster.namespace, "graceful").isEmpty());
        long providerGone = System.nanoTime() - start;
        Await.until(Duration.ofSeconds(20), "API object removed well before the 30 s grace",
                () -> cluster.read("graceful").isEmpty());
        System.out.printf("graceful delete: provider gone after %d ms, object gone after %d ms%n",
                providerGone / 1_000_000, (System.nanoTime() - start) / 1_000_000);
        cluster.awaitEvent("graceful", "ProviderDeleteSuccess");
    }

    @Test
    void forceDeleteRemovesThePodFromTheProvider() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        cluster.create(pod("forced"));
        cluster.awaitRunning("forced");
        cluster.admin.deleteNamespacedPod("forced", cluster.namespace).gracePeriodSeconds(0).execute();
        Await.until(WAIT, "provider no longer has the pod",
                () -> inProvider(agent, cluster.namespace, "forced").isEmpty());
        assertTrue(cluster.read("forced").isEmpty());
    }

    @Test
    void missingOptionalReferencesLetThePodRunWithAnEvent() throws Exception {
        cluster.startMock();
        V1Pod pod = pod("optional");
        pod.getSpec().getContainers().get(0).env(List.of(
                new V1EnvVar().name("A").valueFrom(new V1EnvVarSource().secretKeyRef(
                        new V1SecretKeySelector().name("absent-secret").key("k").optional(true))),
                new V1EnvVar().name("B").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new V1ConfigMapKeySelector().name("absent-config").key("k").optional(true)))));
        cluster.create(pod);
        cluster.awaitRunning("optional");
        cluster.awaitEvent("optional", "OptionalSecretNotFound");
        CoreV1Event event = cluster.awaitEvent("optional", "OptionalConfigMapNotFound");
        assertEquals(cluster.node + "/pod-controller", event.getSource().getComponent());
    }

    @Test
    void aMissingMandatorySecretHoldsThePodUntilItAppears() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        V1Pod pod = pod("mandatory");
        pod.getSpec().getContainers().get(0).env(List.of(new V1EnvVar().name("PASSWORD").valueFrom(
                new V1EnvVarSource().secretKeyRef(new V1SecretKeySelector().name("db").key("password")))));
        cluster.create(pod);
        CoreV1Event event = cluster.awaitEvent("mandatory", "MandatorySecretNotFound");
        assertEquals("Warning", event.getType());
        assertFalse(inProvider(agent, cluster.namespace, "mandatory").isPresent());

        cluster.admin.createNamespacedSecret(cluster.namespace, new V1Secret().metadata(new V1ObjectMeta().name("db"))
                .data(Map.of("password", "hunter2".getBytes(StandardCharsets.UTF_8)))).execute();
        cluster.awaitRunning("mandatory");
        V1Pod started = inProvider(agent, cluster.namespace, "mandatory").orElseThrow();
        V1EnvVar seen = started.getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> "PASSWORD".equals(e.getName())).findFirst().orElseThrow();
        assertEquals(null, seen.getValue(), "the provider handed a Secret's value back to the host");
        assertEquals("db", seen.getValueFrom().getSecretKeyRef().getName());
        // the value reached the backend: the mock's shell runs with it
        assertTrue(cluster.kubectl("exec", "-n", cluster.namespace, "mandatory", "--", "env")
                .contains("PASSWORD=hunter2"));
    }

    @Test
    void statusPodIpInEnvIsResolvedFromWhatTheProviderReports() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        V1Pod pod = pod("pod-ip");
        pod.getSpec().getContainers().get(0).env(List.of(
                new V1EnvVar().name("MY_IP").valueFrom(new V1EnvVarSource().fieldRef(
                        new V1ObjectFieldSelector().fieldPath("status.podIP"))),
                new V1EnvVar().name("MY_HOST").valueFrom(new V1EnvVarSource().fieldRef(
                        new V1ObjectFieldSelector().fieldPath("status.hostIP")))));
        cluster.create(pod);
        String ip = cluster.awaitRunning("pod-ip").getStatus().getPodIP();
        Await.until(WAIT, "MY_IP resolved to " + ip + " in the provider", () -> inProvider(agent, cluster.namespace,
                "pod-ip").map(p -> p.getSpec().getContainers().get(0).getEnv().stream()
                        .anyMatch(e -> "MY_IP".equals(e.getName()) && ip.equals(e.getValue()))).orElse(false));
        V1Pod running = inProvider(agent, cluster.namespace, "pod-ip").orElseThrow();
        assertEquals("127.0.0.1", running.getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> "MY_HOST".equals(e.getName())).findFirst().orElseThrow().getValue());
    }

    @Test
    void labelsAndAnnotationsUsersEditSurviveStatusUpdates() throws Exception {
        cluster.startMock();
        cluster.create(pod("edited"));
        cluster.awaitRunning("edited");
        PatchUtils.patch(V1Pod.class, () -> cluster.admin.patchNamespacedPod("edited", cluster.namespace,
                new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"blue\"},\"annotations\":{\"note\":\"keep\"}}}"))
                .buildCall(null), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, cluster.plane.adminClient());
        PatchUtils.patch(V1Pod.class, () -> cluster.admin.patchNamespacedPodStatus("edited", cluster.namespace,
                new V1Patch("{\"status\":{\"message\":\"someone else wrote this\"}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, cluster.plane.adminClient());
        Await.until(WAIT, "status re-synced from the provider", () -> cluster.read("edited")
                .map(p -> p.getStatus().getMessage() == null).orElse(false));
        V1Pod after = cluster.read("edited").orElseThrow();
        assertEquals("blue", after.getMetadata().getLabels().get("team"));
        assertEquals("keep", after.getMetadata().getAnnotations().get("note"));
        assertEquals("Running", after.getStatus().getPhase());
    }

    @Test
    void pushedStatusesAreWrittenWithoutAskingTheProviderAgain() throws Exception {
        java.nio.file.Path config = java.nio.file.Files.createTempFile("mock", ".yaml");
        java.nio.file.Files.writeString(config, cluster.node() + ": {runningDelay: 300ms}\n");
        VirtualKubelet agent = cluster.startMock("--provider-config", config.toString());
        for (int i = 0; i < 5; i++) {
            cluster.create("pushed-" + i);
        }
        for (int i = 0; i < 5; i++) {
            cluster.awaitRunning("pushed-" + i);
        }
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + agent.metricsAddress().orElseThrow().getPort() + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double asked = providerCalls(metrics, "getPodStatus");
        assertTrue(providerCalls(metrics, "createPod") >= 5, metrics);
        // each pod was pushed Pending, then Running: those statuses are written as pushed; the provider
        // is asked at most once a pod, when the watch shows the pod before any push has come
        assertTrue(asked <= 5, "the provider was asked for statuses it had pushed: " + asked + " getPodStatus calls");
        java.nio.file.Files.delete(config);
    }

    private static double providerCalls(String metrics, String operation) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^vk_provider_call_duration_seconds_count\\{"
                + "[^}]*operation=\"" + operation + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
