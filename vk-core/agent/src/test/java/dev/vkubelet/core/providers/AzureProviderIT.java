package dev.vkubelet.core.providers;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The azure plugin, loaded from plugins/, against a real kube-apiserver and its ARM emulator. */
@ExtendWith(LocalControlPlaneExtension.class)
class AzureProviderIT {

    private static final String EMULATOR_MAIN = "dev.vkubelet.provider.azure.emulator.ArmEmulatorMain";
    /** The emulator at a two-hundredth of ACI's latencies, with a generous request budget. */
    private static final String FAST = """
            resourceGroup: it
            pollInterval: 200ms
            pendingPollInterval: 50ms
            emulator:
              timeScale: 0.005
              requestRates: {reads: 1000, writes: 1000}
            """;
    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    AzureProviderIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private VirtualKubelet startAzure(String yaml) throws Exception {
        return cluster.start(Map.of(), "azure", "--provider-config", CloudPods.config(dir, yaml));
    }

    private static String shared(EmulatorProcess emulator) {
        return FAST + "armEndpoint: " + emulator.endpoint() + "\nsubscriptionId: " + SUBSCRIPTION
                + "\ncredentials: {type: token, token: it}\n";
    }

    /** A pod with a port: ACI gives such groups a public IP, the pod's IP. */
    private static V1Pod served(String name) {
        V1Pod pod = PodClusterFixture.pod(name);
        pod.getSpec().getContainers().get(0).ports(List.of(new V1ContainerPort().containerPort(80)));
        return pod;
    }

    private static Optional<JsonObject> group(EmulatorProcess emulator, String uid) throws Exception {
        for (JsonElement g : CloudPods.state(emulator).getAsJsonArray("groups")) {
            JsonObject tags = g.getAsJsonObject().getAsJsonObject("tags");
            if (tags.has("UID") && uid.equals(tags.get("UID").getAsString())) {
                return Optional.of(g.getAsJsonObject());
            }
        }
        return Optional.empty();
    }

    private static boolean deleting(EmulatorProcess emulator, String uid) {
        try {
            return group(emulator, uid).map(g -> "Deleting".equals(g.get("provisioningState").getAsString()))
                    .orElse(false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the emulator's groups", e);
        }
    }

    @Test
    void podsRunJobsEndAndLogsExecAndEventsWorkThroughKubectl() throws Exception {
        VirtualKubelet agent = startAzure(FAST);
        cluster.create(served("web"));
        cluster.create(CloudPods.job("ok", "echo starting; echo finished; exit 0"));
        cluster.create(CloudPods.job("bad", "echo oops; exit 2"));
        V1Pod web = cluster.awaitRunning("web");
        assertTrue(web.getStatus().getPodIP().startsWith("20.62."), web.getStatus().getPodIP());
        CloudPods.awaitPhase(cluster, "ok", "Succeeded");
        V1Pod bad = CloudPods.awaitPhase(cluster, "bad", "Failed");
        assertEquals(2, bad.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
        String ns = cluster.namespace();
        assertEquals(List.of("starting", "finished"), cluster.kubectl("logs", "-n", ns, "ok"));
        assertEquals(List.of("finished"), cluster.kubectl("logs", "-n", ns, "ok", "--tail", "1"));
        assertTrue(cluster.kubectl("logs", "-n", ns, "ok", "--timestamps").get(0)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z starting"));
        assertEquals(List.of("hello from aci"), cluster.kubectl("exec", "-n", ns, "web", "--", "echo", "hello from aci"));
        assertEquals(List.of(ns + "-web"), cluster.kubectl("exec", "-n", ns, "web", "--", "hostname"));
        assertTrue(cluster.awaitEvent("web", "Pulled").getMessage().contains("busybox:1.36"));
        cluster.awaitEvent("web", "Started");
        String metrics = CloudPods.metrics(agent);
        for (String metric : List.of("vk_provider_azure_requests_total{", "vk_provider_azure_polls_total{",
                "vk_provider_azure_groups{", "vk_provider_azure_events_total{", "vk_provider_azure_group_creates_total{",
                "vk_provider_azure_follow_ups_total{")) {
            assertTrue(metrics.contains(metric), metric + " missing from /metrics");
        }
    }

    @Test
    void theGroupsPutCarriesThePodsTraceInW3cAndB3AndTheTrackerLinksToIt() throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start("azure-plugin.jar", EMULATOR_MAIN,
                CloudPods.config(dir, FAST))) {
            Path spans = dir.resolve("azure-spans.jsonl");
            cluster.start(Map.of("VK_TRACE_FILE", spans.toString()), "azure", "--provider-config",
                    CloudPods.config(dir, shared(emulator)), "--trace-exporter", "file", "--trace-sample-rate", "always",
                    "--trace-propagation", "w3c,b3", "--trace-granularity", "fine");
            cluster.create(served("traced"));
            cluster.awaitRunning("traced");
            String trace = CloudPods.createTrace(spans, "traced");
            List<JsonObject> puts = CloudPods.traceHeaders(emulator, "PUT ").stream()
                    .filter(p -> p.get("operation").getAsString().contains("/containerGroups/")).toList();
            assertTrue(puts.stream().anyMatch(p -> p.has("traceparent")
                    && p.get("traceparent").getAsString().startsWith("00-" + trace + "-")
                    && p.has("X-B3-TraceId") && trace.equals(p.get("X-B3-TraceId").getAsString())),
                    "no container group PUT in trace " + trace + ": " + puts);
            CloudPods.linkingTo(spans, trace, List.of("PodsTracker.followUp", "PodsTracker.updatePods"));
        }
    }

    @Test
    void deletingAPodDeletesItsGroupAndTheObjectGoesWhenTheGroupIsGone() throws Exception {
        // a DELETE takes two seconds here, ten polls: the group shows its containers terminated
        // (provisioningState Deleting) well before it is gone
        String slowDelete = FAST + "  latencies: {deleting: 400s}\n";
        try (EmulatorProcess emulator = EmulatorProcess.start("azure-plugin.jar", EMULATOR_MAIN,
                CloudPods.config(dir, slowDelete))) {
            startAzure(shared(emulator));
            V1Pod created = cluster.create(served("doomed"));
            cluster.awaitRunning("doomed");
            String uid = created.getMetadata().getUid();
            assertTrue(group(emulator, uid).isPresent());
            cluster.admin().deleteNamespacedPod("doomed", cluster.namespace()).gracePeriodSeconds(30).execute();
            Await.until(WAIT, "the terminated containers written while the group is being deleted", () -> cluster
                    .read("doomed").map(p -> p.getStatus().getContainerStatuses().stream()
                            .allMatch(c -> c.getState().getTerminated() != null)).orElse(false)
                    && deleting(emulator, uid));
            Await.until(WAIT, "the pod object removed", () -> cluster.read("doomed").isEmpty());
            assertEquals(Optional.empty(), group(emulator, created.getMetadata().getUid()),
                    "the object goes only once the group is gone");
        }
    }

    @Test
    void heavyThrottlingStillEndsWithEveryPodRunning() throws Exception {
        VirtualKubelet agent = startAzure(FAST + "  faults: {throttle: 0.5}\n");
        for (int i = 0; i < 4; i++) {
            cluster.create(served("busy-" + i));
        }
        // every other call throttled: the SDK's own retries back off (past the 10 s provider deadline
        // of these tests), then the pod controller's (up to 30 s apart), so a pod may take minutes
        for (int i = 0; i < 4; i++) {
            cluster.awaitRunning("busy-" + i, java.time.Duration.ofMinutes(3));
        }
        double throttled = CloudPods.counter(CloudPods.metrics(agent), "vk_provider_azure_throttles_total");
        assertTrue(throttled > 0, "no request was throttled: the test ran without its fault");
    }

    @Test
    void aRestartedAgentAdoptsGroupsAndDeletesThoseOfDeletedPods() throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start("azure-plugin.jar", EMULATOR_MAIN,
                CloudPods.config(dir, FAST))) {
            VirtualKubelet first = startAzure(shared(emulator));
            V1Pod kept = cluster.create(served("kept"));
            V1Pod dropped = cluster.create(served("dropped"));
            String ip = cluster.awaitRunning("kept").getStatus().getPodIP();
            cluster.awaitRunning("dropped");
            long puts = CloudPods.state(emulator).get("puts").getAsLong();

            cluster.stop(first);
            cluster.admin().deleteNamespacedPod("dropped", cluster.namespace()).gracePeriodSeconds(0).execute();
            Await.until(WAIT, "dropped removed from Kubernetes", () -> cluster.read("dropped").isEmpty());

            startAzure(shared(emulator));
            Await.until(WAIT, "the group of the deleted pod deleted", () -> {
                try {
                    return group(emulator, dropped.getMetadata().getUid()).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(ip, cluster.awaitRunning("kept").getStatus().getPodIP());
            assertEquals(puts, CloudPods.state(emulator).get("puts").getAsLong(), "the restarted agent re-created a group");
            assertEquals("Running", group(emulator, kept.getMetadata().getUid()).orElseThrow().get("state").getAsString());
        }
    }

    @Test
    void configErrorsFailStartUpNamingTheField() {
        for (String[] bad : List.of(
                new String[] {"region: westus2\n", "'resourceGroup' is required"},
                new String[] {"resourceGroup: rg\nosType: Plan9\n", "'osType'"},
                new String[] {"resourceGroup: rg\nresourcegroup: x\n", "'resourcegroup' is not a known field"})) {
            Exception e = assertThrows(Exception.class, () -> startAzure(bad[0]));
            assertTrue(CloudPods.messages(e).contains(bad[1]), "expected " + bad[1] + " in: " + CloudPods.messages(e));
        }
    }
}
