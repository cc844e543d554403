package dev.vkubelet.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.aws.config.AwsConfig;
import dev.vkubelet.provider.aws.emulator.EcsEmulator;
import dev.vkubelet.provider.aws.emulator.EmulatorSettings;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.NotifiedPods;
import dev.vkubelet.provider.testkit.RecordingMetrics;
import dev.vkubelet.provider.testkit.TestLogs;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The aws provider against its embedded emulator, through the SDK. */
class AwsProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE = "aws-node";

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final NotifiedPods notified = new NotifiedPods();
    private final RecordingMetrics metrics = new RecordingMetrics();

    private AwsProvider provider(Path config) {
        return provider(new AwsProviderFactory(), NODE, config);
    }

    private AwsProvider provider(AwsProviderFactory factory, String node, Path config) {
        ProviderContext context = new ProviderContext(node, "linux", "10.1.2.3", 10250, "cluster.local",
                Optional.of(config), ClusterResources.empty(), Tracer.noop(), metrics);
        AwsProvider provider = (AwsProvider) factory.create(context);
        synchronized (closing) {
            closing.add(provider);
        }
        provider.notifyPods(notified);
        return provider;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static V1Pod job(String name, String script) {
        return TestPods.job("default", name, NODE, "Never", script);
    }

    private V1Pod awaitNotified(String name, String phase) {
        return notified.await(WAIT, name, phase);
    }

    @Test
    void aPodRunsWithTheTaskIpAndReadyConditions() {
        AwsProvider provider = provider(TestConfigs.fast());
        provider.createPod(TestPods.pod("default", "web", NODE));
        assertEquals("Pending", provider.getPodStatus("default", "web").orElseThrow().getPhase());
        V1Pod running = awaitNotified("web", "Running");
        V1PodStatus status = running.getStatus();
        assertTrue(status.getPodIP().startsWith("10.0."), status.getPodIP());
        assertEquals("10.1.2.3", status.getHostIP());
        assertTrue(status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                && "True".equals(c.getStatus())));
        assertNotNull(status.getContainerStatuses().get(0).getState().getRunning().getStartedAt());
        assertTrue(metrics.get("requests") >= 3, "requests counted: " + metrics);
        Await.until(WAIT, "a status poll counted", () -> metrics.get("polls") > 0);
    }

    @Test
    void aStartedTaskIsFollowedUpSoonInsteadOfWaitingForTheNextPoll() throws Exception {
        AwsProvider provider = provider(TestConfigs.write("""
                cluster: follow-up
                subnets: [subnet-test]
                pollInterval: 10m
                pendingPollInterval: 100ms
                emulator:
                  timeScale: 0.005
                """));
        provider.createPod(TestPods.pod("default", "quick", NODE));
        awaitNotified("quick", "Running");
        assertTrue(metrics.get("follow.ups") >= 1, "follow-ups counted: " + metrics);
        assertEquals(0, metrics.get("polls"), "the regular loop ran: the test proves nothing");
    }

    @Test
    void withoutFollowUpsAStartedTaskWaitsForTheRegularPoll() throws Exception {
        EcsEmulator standalone = EcsEmulator.start(AwsConfig.load(TestConfigs.fast()).emulator());
        closing.add(standalone);
        Path config = TestConfigs.write("""
                cluster: no-follow-up
                subnets: [subnet-test]
                pollInterval: 10m
                pendingPollInterval: 0s
                endpoint: %s
                credentials: {type: static, accessKeyId: AK, secretAccessKey: SK}
                logGroup: /ecs/test
                """.formatted(standalone.endpoint()));
        AwsProvider provider = provider(config);
        provider.createPod(TestPods.pod("default", "slow", NODE));
        // the emulator runs the task, but nothing describes it before the regular poll, 10 minutes away
        Await.until(WAIT, "the emulator runs the task", () -> {
            try {
                return emulatorState(config).contains("\"lastStatus\":\"RUNNING\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("Pending", provider.getPodStatus("default", "slow").orElseThrow().getPhase());
        provider.poll();
        awaitNotified("slow", "Running");
        assertEquals(0, metrics.get("follow.ups"));
    }

    @Test
    void aJobThatExitsZeroSucceeds() {
        AwsProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("ok", "echo done; exit 0"));
        V1Pod done = awaitNotified("ok", "Succeeded");
        V1ContainerStateTerminated t = done.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertEquals(0, t.getExitCode());
        assertEquals("Completed", t.getReason());
        assertFalse(t.getFinishedAt().isBefore(t.getStartedAt()));
    }

    @Test
    void aJobThatExitsNonZeroFailsWithTheExitCode() {
        AwsProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("bad", "echo failing; exit 7"));
        V1Pod failed = awaitNotified("bad", "Failed");
        assertEquals(7, failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
        assertEquals("EssentialContainerExited", failed.getStatus().getReason());
        assertTrue(failed.getStatus().getMessage().contains("app=7"), failed.getStatus().getMessage());
    }

    @Test
    void logsHonourTailTimestampsLimitAndFollow() {
        AwsProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("talk", "echo one; echo two; echo three; sleep 1; echo four; exit 0"));
        Await.until(WAIT, "three lines logged", () -> TestLogs.read(provider.getContainerLogs(
                "default", "talk", "app", LogOptions.defaults())).startsWith("one\ntwo\nthree\n"));
        LogOptions tail = TestLogs.tail(2);
        String lastTwo = TestLogs.read(provider.getContainerLogs("default", "talk", "app", tail));
        assertTrue(lastTwo.equals("two\nthree\n") || lastTwo.equals("three\nfour\n"), lastTwo);
        LogOptions stamped = TestLogs.stampedAndLimited(15);
        String limited = TestLogs.read(provider.getContainerLogs("default", "talk", "app", stamped));
        assertEquals(15, limited.length());
        assertTrue(limited.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:.*"), limited);
        LogOptions follow = TestLogs.follow();
        assertEquals("one\ntwo\nthree\nfour\n", TestLogs.read(provider.getContainerLogs("default", "talk", "app", follow)),
                "follow ends when the task has stopped");
        assertThrows(dev.vkubelet.provider.NotFoundException.class,
                () -> provider.getContainerLogs("default", "talk", "sidecar", LogOptions.defaults()));
    }

    @Test
    void changingImagesIsRefusedButMetadataUpdates() {
        AwsProvider provider = provider(TestConfigs.fast());
        V1Pod pod = TestPods.pod("default", "upd", NODE);
        provider.createPod(pod);
        V1Pod relabelled = TestPods.pod("default", "upd", NODE);
        relabelled.getMetadata().uid(pod.getMetadata().getUid()).putLabelsItem("tier", "gold");
        provider.updatePod(relabelled);
        assertEquals("gold", provider.getPod("default", "upd").orElseThrow().getMetadata().getLabels().get("tier"));
        relabelled.getSpec().getContainers().get(0).image("busybox:1.37");
        assertThrows(InvalidInputException.class, () -> provider.updatePod(relabelled));
    }

    @Test
    void heavyThrottlingStillRunsEveryPod() {
        AwsProvider provider = provider(TestConfigs.fast("  faults: {throttle: 0.25, serverError: 0.1}"));
        for (int i = 0; i < 4; i++) {
            provider.createPod(TestPods.pod("default", "busy-" + i, NODE));
        }
        for (int i = 0; i < 4; i++) {
            awaitNotified("busy-" + i, "Running");
        }
        assertTrue(metrics.get("throttles") > 0, "no throttling seen: " + metrics);
    }

    @Test
    void runTaskFailuresAreRetriable() {
        AwsProvider provider = provider(TestConfigs.fast("  faults: {runTaskFailure: 1.0}"));
        var e = assertThrows(dev.vkubelet.provider.RetriableException.class,
                () -> provider.createPod(TestPods.pod("default", "no-eni", NODE)));
        assertTrue(e.getMessage().contains("RESOURCE:ENI"), e.getMessage());
        assertTrue(provider.getPod("default", "no-eni").isEmpty());
    }

    private Path sharedEmulatorConfig() throws IOException {
        EcsEmulator shared = EcsEmulator.start(AwsConfig.load(TestConfigs.fast()).emulator());
        closing.add(shared);
        return TestConfigs.write("""
                cluster: shared
                subnets: [subnet-test]
                pollInterval: 100ms
                endpoint: %s
                credentials: {type: static, accessKeyId: AK, secretAccessKey: SK}
                logGroup: /ecs/test
                """.formatted(shared.endpoint()));
    }

    private static String emulatorState(Path config) throws Exception {
        java.net.URI endpoint = AwsConfig.load(config).endpoint().orElseThrow();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                endpoint.resolve("/emulator/state")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void secretValuesGoToRunTaskOverridesAndNeverIntoTaskDefinitions() throws Exception {
        Path config = sharedEmulatorConfig();
        AwsProvider provider = provider(config);
        String secret = "ecs-secret-" + java.util.UUID.randomUUID();
        V1Pod pod = TestPods.withSecretEnv(TestPods.pod("default", "secret-env", NODE), "DB_PASSWORD", secret, "db",
                "password");
        pod.getSpec().getContainers().get(0).addEnvItem(new io.kubernetes.client.openapi.models.V1EnvVar()
                .name("MODE").value("prod"));
        provider.createPod(pod);
        awaitNotified("secret-env", "Running");
        AwsConfig settings = AwsConfig.load(config);
        try (dev.vkubelet.provider.aws.ecs.AwsClients clients = new dev.vkubelet.provider.aws.ecs.AwsClients(settings,
                settings.endpoint(), new dev.vkubelet.provider.aws.ecs.RequestTracing(Tracer.noop(),
                dev.vkubelet.provider.ProviderMetrics.none()))) {
            software.amazon.awssdk.services.ecs.model.Task task = clients.ecs().describeTasks(b -> b.cluster("shared")
                    .tasks(clients.ecs().listTasks(l -> l.cluster("shared")).taskArns())).tasks().get(0);
            var definition = clients.ecs().describeTaskDefinition(b -> b.taskDefinition(task.taskDefinitionArn()))
                    .taskDefinition();
            assertFalse(definition.toString().contains(secret), "a task definition holds the secret: " + definition);
            assertEquals("prod", definition.containerDefinitions().get(0).environment().get(0).value());
            assertEquals(1, definition.containerDefinitions().get(0).environment().size());
            var overrides = task.overrides().containerOverrides();
            assertEquals("app", overrides.get(0).name());
            assertEquals(secret, overrides.get(0).environment().get(0).value(), "the secret did not reach the task");
        }
    }

    @Test
    void aTaskTheBackendForgetsFailsItsPodOnce() throws Exception {
        EmulatorSettings settings = AwsConfig.load(TestConfigs.fast()).emulator();
        EcsEmulator before = EcsEmulator.start(settings);
        int port = before.endpoint().getPort();
        Path config = TestConfigs.write("""
                cluster: amnesia
                subnets: [subnet-test]
                pollInterval: 100ms
                endpoint: %s
                credentials: {type: static, accessKeyId: AK, secretAccessKey: SK}
                """.formatted(before.endpoint()));
        AwsProvider provider = provider(config);
        provider.createPod(TestPods.pod("default", "forgotten", NODE));
        awaitNotified("forgotten", "Running");
        before.close();
        EcsEmulator after = EcsEmulator.start(settings.withPort(port));
        closing.add(after);
        AwsProvider other = provider(config); // creates the cluster in the new, empty emulator
        V1Pod failed = awaitNotified("forgotten", "Failed");
        assertEquals("TaskMissing", failed.getStatus().getReason());
        assertEquals(128, failed.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
        assertTrue(other.getPods().isEmpty());
        assertEquals("Failed", provider.getPodStatus("default", "forgotten").orElseThrow().getPhase());
    }

    @Test
    void aRetriedCreateKeepsOneTaskAndOneTaskDefinition() throws Exception {
        Path config = sharedEmulatorConfig();
        V1Pod pod = TestPods.pod("default", "retried", NODE);
        AwsProvider first = provider(config);
        AwsProvider second = provider(config);
        first.createPod(pod);
        second.createPod(pod);
        assertEquals(first.getPod("default", "retried").orElseThrow().getStatus().getPodIP(),
                second.getPod("default", "retried").orElseThrow().getStatus().getPodIP());
        String state = emulatorState(config);
        assertTrue(state.contains("\"runTaskCalls\":2"), state);
        assertTrue(state.contains("\"activeTaskDefinitions\":1"), state);
        assertEquals(1, state.split("\"taskArn\"").length - 1, state);
    }

    @Test
    void aRestartedProviderAdoptsItsTasksInsteadOfRecreatingThem() throws Exception {
        Path config = sharedEmulatorConfig();
        AwsProvider first = provider(config);
        V1Pod web = TestPods.pod("default", "kept", NODE);
        first.createPod(web);
        first.createPod(job("finished", "exit 0"));
        awaitNotified("kept", "Running");
        awaitNotified("finished", "Succeeded");
        String taskIp = first.getPodStatus("default", "kept").orElseThrow().getPodIP();
        double runs = metrics.get("tasks.started");
        first.close();

        notified.clear();
        AwsProvider second = provider(config);
        PodLifecycleHandler handler = second;
        assertEquals(List.of("finished", "kept"), handler.getPods().stream().map(p -> p.getMetadata().getName())
                .sorted().toList());
        V1Pod adopted = second.getPod("default", "kept").orElseThrow();
        assertEquals(web.getMetadata().getUid(), adopted.getMetadata().getUid());
        assertEquals("Running", adopted.getStatus().getPhase());
        assertEquals(taskIp, adopted.getStatus().getPodIP());
        assertEquals("Succeeded", second.getPodStatus("default", "finished").orElseThrow().getPhase());
        second.createPod(web);
        assertEquals(runs, metrics.get("tasks.started"), "the adopted pod was started again");
        second.deletePod(web);
        Await.until(WAIT, "deleted pod gone", () -> second.getPod("default", "kept").isEmpty());
    }

    @Test
    void nodesStartingTogetherAdoptTheirOwnTasksFromSharedListings() throws Exception {
        Path config = sharedEmulatorConfig();
        int nodes = 6;
        AwsProviderFactory before = new AwsProviderFactory();
        java.util.Map<String, List<String>> expected = TestPods.createdOnNodes(nodes,
                node -> provider(before, node, config)); // nodes 0 and 3 have none
        expected.values().stream().flatMap(List::stream).forEach(name -> awaitNotified(name, "Running"));
        double runs = metrics.get("tasks.started");
        double listedBefore = metrics.get("requests", "operation", "ListTasks");

        AwsProviderFactory after = new AwsProviderFactory();
        var started = dev.vkubelet.provider.testkit.Together.run(expected.keySet(),
                node -> provider(after, node, config), java.time.Duration.ofSeconds(60));
        started.forEach((node, adopted) -> assertEquals(expected.get(node), adopted.getPods().stream()
                .map(p -> p.getMetadata().getName()).sorted().toList(), "the tasks " + node + " adopted"));
        assertEquals(runs, metrics.get("tasks.started"), "a task was started again");
        // one listing is a ListTasks page of running and one of stopped tasks here; how many nodes share
        // one depends on when each asks (ClusterTasksTest pins that down)
        double listed = metrics.get("requests", "operation", "ListTasks") - listedBefore;
        assertTrue(listed >= 2 && listed <= 2 * nodes, "ListTasks requests: " + listed);
        System.out.printf("%d nodes starting together listed the cluster %.0f times%n", nodes, listed / 2);
    }
}
