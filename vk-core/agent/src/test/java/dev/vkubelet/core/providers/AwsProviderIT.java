package dev.vkubelet.core.providers;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The aws plugin, loaded from plugins/, against a real kube-apiserver and its ECS emulator. */
@ExtendWith(LocalControlPlaneExtension.class)
class AwsProviderIT {

    private static final String EMULATOR_MAIN = "dev.vkubelet.provider.aws.emulator.EmulatorMain";
    /** The emulator at a two-hundredth of Fargate's latencies: tasks run in about a quarter second. */
    private static final String FAST = """
            cluster: it
            subnets: [subnet-it]
            pollInterval: 200ms
            pendingPollInterval: 50ms
            emulator:
              timeScale: 0.005
            """;

    /** An endpoint URL defaults to the SDK's credential chain; the emulator takes any static key. */
    private static final String STATIC_KEYS = "credentials: {type: static, accessKeyId: AK, secretAccessKey: SK}\n";

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    AwsProviderIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private String config(String yaml) throws IOException {
        return CloudPods.config(dir, yaml);
    }

    private VirtualKubelet startAws(String yaml) throws Exception {
        return cluster.start(Map.of(), "aws", "--provider-config", config(yaml));
    }

    private static V1Pod job(String name, String script) {
        return CloudPods.job(name, script);
    }

    private V1Pod awaitPhase(String name, String phase) {
        return CloudPods.awaitPhase(cluster, name, phase);
    }

    private static JsonObject task(EmulatorProcess emulator, String startedBy) throws Exception {
        for (JsonElement t : CloudPods.state(emulator).getAsJsonArray("tasks")) {
            if (startedBy.equals(t.getAsJsonObject().get("startedBy").getAsString())) {
                return t.getAsJsonObject();
            }
        }
        throw new AssertionError("the emulator has no task started by " + startedBy);
    }

    private static String lastStatus(EmulatorProcess emulator, String startedBy) {
        try {
            return task(emulator, startedBy).get("lastStatus").getAsString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the emulator's tasks", e);
        }
    }

    private static long runTaskCalls(EmulatorProcess emulator) throws Exception {
        return CloudPods.state(emulator).get("runTaskCalls").getAsLong();
    }

    @Test
    void podsRunAndJobsSucceedOrFailWithTheirExitCodeAndLogs() throws Exception {
        VirtualKubelet agent = startAws(FAST);
        cluster.create(PodClusterFixture.pod("web"));
        cluster.create(job("ok", "echo starting; echo finished; exit 0"));
        cluster.create(job("bad", "echo oops; exit 1"));
        V1Pod web = cluster.awaitRunning("web");
        assertTrue(web.getStatus().getPodIP().startsWith("10.0."), web.getStatus().getPodIP());
        awaitPhase("ok", "Succeeded");
        V1Pod bad = awaitPhase("bad", "Failed");
        V1ContainerStateTerminated exited = bad.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertEquals(1, exited.getExitCode());
        assertEquals("EssentialContainerExited", bad.getStatus().getReason());
        assertEquals(List.of("starting", "finished"), cluster.kubectl("logs", "-n", cluster.namespace(), "ok"));
        assertEquals(List.of("finished"), cluster.kubectl("logs", "-n", cluster.namespace(), "ok", "--tail", "1"));
        assertEquals(List.of("oops"), cluster.kubectl("logs", "-n", cluster.namespace(), "bad"));
        String stamped = cluster.kubectl("logs", "-n", cluster.namespace(), "ok", "--timestamps").get(0);
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z starting"), stamped);

        String text = CloudPods.metrics(agent);
        for (String metric : List.of("vk_provider_aws_requests_total{", "vk_provider_aws_polls_total{",
                "vk_provider_aws_tasks{", "vk_provider_aws_request_duration_seconds_count{", "vk_provider_aws_tasks_started_total{",
                "vk_provider_aws_follow_ups_total{")) {
            assertTrue(text.contains(metric), metric + " missing from /metrics");
        }
        assertTrue(text.contains("operation=\"RunTask\""), "no RunTask requests counted");
    }

    @Test
    void runTaskCarriesThePodsTraceAndTheStatusLoopLinksToIt() throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start("aws-plugin.jar", EMULATOR_MAIN, config(FAST))) {
            Path spans = dir.resolve("aws-spans.jsonl");
            cluster.start(Map.of("VK_TRACE_FILE", spans.toString()), "aws", "--provider-config",
                    config(FAST + "endpoint: " + emulator.endpoint() + "\n" + STATIC_KEYS), "--trace-exporter", "file",
                    "--trace-sample-rate", "always", "--trace-granularity", "fine");
            cluster.create(PodClusterFixture.pod("traced"));
            cluster.awaitRunning("traced");
            String trace = CloudPods.createTrace(spans, "traced");
            List<JsonObject> runs = CloudPods.traceHeaders(emulator, "RunTask");
            assertTrue(runs.stream().anyMatch(r -> r.has("traceparent")
                    && r.get("traceparent").getAsString().startsWith("00-" + trace + "-")),
                    "no RunTask in trace " + trace + ": " + runs);
            assertTrue(runs.stream().noneMatch(r -> r.has("X-B3-TraceId")), "B3 only when asked for");
            // the status loop's passes are traces of their own, linked to the pods they reported on
            CloudPods.linkingTo(spans, trace, List.of("aws.followUpTasks", "aws.pollTasks"));
        }
    }

    @Test
    void deletingAPodStopsItsTaskAndTheObjectGoesWhenTheTaskHasStopped() throws Exception {
        // DEPROVISIONING (containers stopped, network interface still attached) lasts two seconds here,
        // ten polls: the containers are reported terminated well before the task is STOPPED
        String slowRelease = FAST + "  latencies: {deprovisioning: 400s}\n";
        try (EmulatorProcess emulator = EmulatorProcess.start("aws-plugin.jar", EMULATOR_MAIN, config(slowRelease))) {
            VirtualKubelet agent = startAws(FAST + "endpoint: " + emulator.endpoint() + "\n" + STATIC_KEYS);
            V1Pod created = cluster.create(PodClusterFixture.pod("doomed"));
            cluster.awaitRunning("doomed");
            String uid = created.getMetadata().getUid();
            assertEquals("RUNNING", task(emulator, uid).get("lastStatus").getAsString());
            cluster.admin().deleteNamespacedPod("doomed", cluster.namespace()).gracePeriodSeconds(30).execute();
            Await.until(WAIT, "the task deprovisioning",
                    () -> "DEPROVISIONING".equals(lastStatus(emulator, uid)));
            Await.until(WAIT, "the terminated containers written while the task deprovisions", () -> cluster
                    .read("doomed").map(p -> p.getStatus().getContainerStatuses().stream()
                            .allMatch(c -> c.getState().getTerminated() != null)).orElse(false)
                    && "DEPROVISIONING".equals(lastStatus(emulator, uid)));
            Await.until(WAIT, "the pod object removed", () -> cluster.read("doomed").isEmpty());
            JsonObject task = task(emulator, created.getMetadata().getUid());
            assertEquals("STOPPED", task.get("desiredStatus").getAsString());
            assertEquals("STOPPED", task.get("lastStatus").getAsString(),
                    "the object goes only once the task has stopped");
            // the record goes just after the task is seen STOPPED, which is what let the object go
            Await.until(WAIT, "the provider forgetting the pod",
                    () -> agent.provider().pods().getPod(cluster.namespace(), "doomed").isEmpty());
        }
    }

    @Test
    void heavyThrottlingStillEndsWithEveryPodRunning() throws Exception {
        VirtualKubelet agent = startAws(FAST + "  faults: {throttle: 0.5}\n");
        for (int i = 0; i < 4; i++) {
            cluster.create(PodClusterFixture.pod("busy-" + i));
        }
        // every other call throttled: the SDK's own retries back off (past the 10 s provider deadline
        // of these tests), then the pod controller's (up to 30 s apart), so a pod may take minutes
        for (int i = 0; i < 4; i++) {
            cluster.awaitRunning("busy-" + i, java.time.Duration.ofMinutes(3));
        }
        double throttled = CloudPods.counter(CloudPods.metrics(agent), "vk_provider_aws_throttles_total");
        assertTrue(throttled > 0, "no request was throttled: the test ran without its fault");
    }

    @Test
    void aRestartedAgentAdoptsRunningTasksAndStopsThoseOfDeletedPods() throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start("aws-plugin.jar", EMULATOR_MAIN, config(FAST))) {
            String shared = FAST + "endpoint: " + emulator.endpoint() + "\n" + STATIC_KEYS;
            VirtualKubelet first = startAws(shared);
            V1Pod kept = cluster.create(PodClusterFixture.pod("kept"));
            V1Pod dropped = cluster.create(PodClusterFixture.pod("dropped"));
            String ip = cluster.awaitRunning("kept").getStatus().getPodIP();
            cluster.awaitRunning("dropped");
            long runs = runTaskCalls(emulator);
            String keptTask = task(emulator, kept.getMetadata().getUid()).get("taskArn").getAsString();

            cluster.stop(first);
            cluster.admin().deleteNamespacedPod("dropped", cluster.namespace()).gracePeriodSeconds(0).execute();
            Await.until(WAIT, "dropped removed from Kubernetes", () -> cluster.read("dropped").isEmpty());

            startAws(shared);
            Await.until(WAIT, "the task of the deleted pod stopped", () -> {
                try {
                    return "STOPPED".equals(task(emulator, dropped.getMetadata().getUid()).get("desiredStatus")
                            .getAsString());
                } catch (Exception e) {
                    return false;
                }
            });
            V1Pod again = cluster.awaitRunning("kept");
            assertEquals(ip, again.getStatus().getPodIP());
            assertEquals(runs, runTaskCalls(emulator), "the restarted agent ran a task again");
            JsonObject keptNow = task(emulator, kept.getMetadata().getUid());
            assertEquals(keptTask, keptNow.get("taskArn").getAsString());
            assertEquals("RUNNING", keptNow.get("lastStatus").getAsString());
            assertEquals(Optional.of("Running"), cluster.read("kept").map(p -> p.getStatus().getPhase()));
        }
    }

    @Test
    void configErrorsFailStartUpNamingTheField() throws Exception {
        for (String[] bad : List.of(
                new String[] {"cluster: x\n", "'subnets'"},
                new String[] {"subnets: [s]\nregion: moon-1\n", "'region'"},
                new String[] {"subnets: [s]\nsubnet: [t]\n", "'subnet' is not a known field"})) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> startAws(bad[0]));
            String message = CloudPods.messages(e);
            assertTrue(message.contains(bad[1]), "expected " + bad[1] + " in: " + message);
        }
    }
}
