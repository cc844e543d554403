package dev.vkubelet.provider.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.TerminalSize;
import dev.vkubelet.provider.azure.config.AzureConfig;
import dev.vkubelet.provider.azure.emulator.ArmEmulator;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.NotifiedPods;
import dev.vkubelet.provider.testkit.RecordingMetrics;
import dev.vkubelet.provider.testkit.TestLogs;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The azure provider against its ARM emulator, through the Azure SDK. */
class AzureProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NODE = "azure-node";

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final NotifiedPods notified = new NotifiedPods();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RecordingMetrics metrics = new RecordingMetrics();

    private AzureProvider provider(Path config) {
        return provider(new AzureProviderFactory(), NODE, config);
    }

    private AzureProvider provider(AzureProviderFactory factory, String node, Path config) {
        ProviderContext context = new ProviderContext(node, "linux", "10.1.2.3", 10250, "cluster.local",
                Optional.of(config), ClusterResources.empty(), Tracer.noop(), metrics);
        AzureProvider provider = (AzureProvider) factory.create(context);
        synchronized (closing) {
            closing.add(provider);
        }
        provider.notifyPods(notified);
        provider.eventsTo((ns, name, type, reason, message) -> events.add(name + " " + type + " " + reason));
        return provider;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static V1Pod job(String name, String restartPolicy, String script) {
        return TestPods.job("default", name, NODE, restartPolicy, script);
    }

    private V1Pod awaitNotified(String name, String phase) {
        return notified.await(WAIT, name, phase);
    }

    @Test
    void aPodWithPortsRunsWithThePublicIpAndItsEventsReachTheHost() {
        AzureProvider provider = provider(TestConfigs.fast());
        V1Pod pod = TestPods.pod("default", "web", NODE);
        pod.getSpec().getContainers().get(0).ports(List.of(new V1ContainerPort().containerPort(80)));
        provider.createPod(pod);
        V1Pod running = awaitNotified("web", "Running");
        assertTrue(running.getStatus().getPodIP().startsWith("20.62."), running.getStatus().getPodIP());
        assertTrue(running.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                && "True".equals(c.getStatus())));
        Await.until(WAIT, "Pulling, Pulled and Started events", () -> events.containsAll(List.of(
                "web Normal Pulling", "web Normal Pulled", "web Normal Started")));
        assertEquals(1, events.stream().filter("web Normal Pulled"::equals).count(), "an event is sent once");
        assertTrue(metrics.get("requests") >= 2 && metrics.get("polls") > 0, metrics.toString());
    }

    @Test
    void aCreatedGroupIsFollowedUpSoonInsteadOfWaitingForTheTracker() {
        AzureProvider provider = provider(TestConfigs.write("""
                resourceGroup: follow-up
                pollInterval: 10m
                pendingPollInterval: 100ms
                emulator:
                  timeScale: 0.005
                  requestRates: {reads: 1000, writes: 1000}
                """));
        provider.createPod(TestPods.pod("default", "quick", NODE));
        awaitNotified("quick", "Running");
        assertTrue(metrics.get("follow.ups") >= 1, "follow-ups counted: " + metrics);
        assertEquals(0, metrics.get("polls"), "the tracker ran: the test proves nothing");
    }

    @Test
    void withoutFollowUpsACreatedGroupWaitsForTheTracker() throws Exception {
        ArmEmulator standalone = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator());
        closing.add(standalone);
        AzureProvider provider = provider(TestConfigs.write("""
                resourceGroup: no-follow-up
                pollInterval: 10m
                pendingPollInterval: 0s
                armEndpoint: %s
                subscriptionId: %s
                credentials: {type: token, token: anything}
                """.formatted(standalone.endpoint(), AzureConfig.EMULATOR_SUBSCRIPTION)));
        provider.createPod(TestPods.pod("default", "slow", NODE));
        // the group runs in the emulator, but nothing reads it before the tracker's pass, 10 minutes
        // away, until the test runs one
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Await.until(WAIT, "the group runs in the emulator", () -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(standalone.endpoint().resolve("/emulator/state"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body()
                        .contains("\"state\":\"Running\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("Pending", provider.getPodStatus("default", "slow").orElseThrow().getPhase());
        provider.track();
        awaitNotified("slow", "Running");
        assertEquals(0, metrics.get("follow.ups"));
    }

    @Test
    void jobsEndSucceededOrFailedWithTheirExitCodes() {
        AzureProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("ok", "Never", "echo done; exit 0"));
        provider.createPod(job("bad", "Never", "echo oops; exit 3"));
        V1Pod ok = awaitNotified("ok", "Succeeded");
        assertEquals(0, ok.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
        V1Pod bad = awaitNotified("bad", "Failed");
        assertEquals(3, bad.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
        assertEquals("ContainerGroupFailed", bad.getStatus().getReason());
    }

    @Test
    void restartPoliciesRestartFailingContainers() {
        AzureProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("flaky", "OnFailure", "echo try; sleep 0.2; exit 1"));
        V1ContainerStatus restarted = Await.until(WAIT, "two restarts", () -> Optional.ofNullable(
                notified.get("flaky")).map(p -> p.getStatus().getContainerStatuses().get(0))
                .filter(c -> c.getRestartCount() >= 2));
        assertEquals(1, restarted.getLastState().getTerminated().getExitCode());
        assertEquals("Running", notified.get("flaky").getStatus().getPhase());
    }

    @Test
    void logsHonourTailTimestampsLimitAndFollow() {
        AzureProvider provider = provider(TestConfigs.fast());
        provider.createPod(job("talk", "Never", "echo one; echo two; echo three; sleep 1; echo four; exit 0"));
        awaitNotified("talk", "Running");
        Await.until(WAIT, "three lines", () -> TestLogs.read(provider.getContainerLogs(
                "default", "talk", "app", LogOptions.defaults())).startsWith("one\ntwo\nthree\n"));
        LogOptions tail = TestLogs.tail(1);
        String last = TestLogs.read(provider.getContainerLogs("default", "talk", "app", tail));
        assertTrue(last.equals("three\n") || last.equals("four\n"), last);
        LogOptions stamped = TestLogs.stampedAndLimited(10);
        String limited = TestLogs.read(provider.getContainerLogs("default", "talk", "app", stamped));
        assertEquals(10, limited.length());
        assertTrue(limited.startsWith("20"), limited);
        LogOptions follow = TestLogs.follow();
        assertEquals("one\ntwo\nthree\nfour\n", TestLogs.read(provider.getContainerLogs("default", "talk", "app", follow)));
        assertThrows(NotFoundException.class,
                () -> provider.getContainerLogs("default", "talk", "sidecar", LogOptions.defaults()));
    }

    /** Exec I/O for a test: fixed stdin, collected stdout. */
    private record TestIO(Optional<InputStream> stdin, ByteArrayOutputStream out) implements AttachIO {
        @Override
        public Optional<OutputStream> stdout() {
            return Optional.of(out);
        }

        @Override
        public Optional<OutputStream> stderr() {
            return Optional.empty();
        }

        @Override
        public boolean tty() {
            return false;
        }

        @Override
        public void onResize(Consumer<TerminalSize> listener) {}
    }

    @Test
    void execRunsCommandsOverTheAciWebSocket() {
        AzureProvider provider = provider(TestConfigs.fast());
        V1Pod pod = TestPods.pod("default", "shell", NODE);
        pod.getSpec().getContainers().get(0).env(List.of(new V1EnvVar().name("GREETING").value("hello")));
        provider.createPod(pod);
        awaitNotified("shell", "Running");
        TestIO echo = new TestIO(Optional.empty(), new ByteArrayOutputStream());
        assertEquals(0, provider.runInContainer("default", "shell", "app", List.of("echo", "hi there"), echo));
        assertEquals("hi there\n", echo.out().toString(StandardCharsets.UTF_8));
        TestIO sh = new TestIO(Optional.of(new ByteArrayInputStream("hostname\nenv\nexit\n"
                .getBytes(StandardCharsets.UTF_8))), new ByteArrayOutputStream());
        assertEquals(0, provider.runInContainer("default", "shell", "app", List.of("sh"), sh));
        assertEquals("default-shell\nGREETING=hello\n", sh.out().toString(StandardCharsets.UTF_8));
    }

    @Test
    void execStdinAndOutputKeepCharactersSplitBetweenReads() {
        AzureProvider provider = provider(TestConfigs.fast());
        provider.createPod(TestPods.pod("default", "utf8", NODE));
        awaitNotified("utf8", "Running");
        // the 8 KiB reads on both sides end inside the two-byte é, then inside € and 😀
        String input = "a".repeat(8191) + "é" + "b".repeat(8190) + "€" + "c".repeat(8189) + "😀 end";
        TestIO cat = new TestIO(Optional.of(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))),
                new ByteArrayOutputStream());
        assertEquals(0, provider.runInContainer("default", "utf8", "app", List.of("cat"), cat));
        assertEquals(input, cat.out().toString(StandardCharsets.UTF_8));
    }

    @Test
    void secretValuesAreSentAsSecureValuesAndNeverComeBack() throws Exception {
        ArmEmulator shared = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator());
        closing.add(shared);
        AzureProvider provider = provider(sharedConfig(shared));
        V1Pod pod = TestPods.pod("default", "secretive", NODE);
        pod.getSpec().getContainers().get(0).env(List.of(new V1EnvVar().name("PASSWORD").value("hunter2")
                .valueFrom(new V1EnvVarSource().secretKeyRef(new V1SecretKeySelector().name("db").key("pw")))));
        provider.createPod(pod);
        awaitNotified("secretive", "Running");
        String group = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(shared.endpoint()
                + "/subscriptions/" + AzureConfig.EMULATOR_SUBSCRIPTION + "/resourceGroups/shared/providers/"
                + "Microsoft.ContainerInstance/containerGroups/default-secretive?api-version="
                + ArmEmulator.API_VERSION)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(group.contains("\"PASSWORD\"") && !group.contains("hunter2"), group);
        TestIO env = new TestIO(Optional.empty(), new ByteArrayOutputStream());
        provider.runInContainer("default", "secretive", "app", List.of("env"), env);
        assertEquals("PASSWORD=hunter2\n", env.out().toString(StandardCharsets.UTF_8), "the container still gets it");
    }

    private static Path sharedConfig(ArmEmulator shared) {
        return TestConfigs.write("""
                resourceGroup: shared
                pollInterval: 100ms
                armEndpoint: %s
                subscriptionId: %s
                credentials: {type: token, token: anything}
                """.formatted(shared.endpoint(), AzureConfig.EMULATOR_SUBSCRIPTION));
    }

    @Test
    void heavyThrottlingStillRunsEveryPod() {
        AzureProvider provider = provider(TestConfigs.fast("  faults: {throttle: 0.5, serverError: 0.05}"));
        for (int i = 0; i < 4; i++) {
            provider.createPod(TestPods.pod("default", "busy-" + i, NODE));
        }
        for (int i = 0; i < 4; i++) {
            awaitNotified("busy-" + i, "Running");
        }
        assertTrue(metrics.get("throttles") > 0, metrics.toString());
    }

    @Test
    void aFailedProvisioningFailsThePod() {
        AzureProvider provider = provider(TestConfigs.fast("  faults: {provisioningFailure: 1.0}"));
        provider.createPod(TestPods.pod("default", "doomed", NODE));
        V1Pod failed = awaitNotified("doomed", "Failed");
        assertEquals("ProvisioningFailed", failed.getStatus().getReason());
        Await.until(WAIT, "the ProvisioningFailed event", () -> events.contains("doomed Warning ProvisioningFailed"));
    }

    @Test
    void aRefusedGroupIsInvalidInput() {
        AzureProvider provider = provider(TestConfigs.fast());
        V1Pod pod = TestPods.pod("default", "sctp", NODE);
        pod.getSpec().getContainers().get(0).ports(List.of(new V1ContainerPort().containerPort(9).protocol("SCTP")));
        assertThrows(InvalidInputException.class, () -> provider.createPod(pod));
        assertTrue(provider.getPod("default", "sctp").isEmpty());
    }

    @Test
    void groupsOfThisNodeThatNoPodOwnsAreDeleted() throws Exception {
        ArmEmulator shared = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator());
        closing.add(shared);
        AzureProvider provider = provider(sharedConfig(shared));
        provider.createPod(TestPods.pod("default", "owned", NODE));
        String base = shared.endpoint() + "/subscriptions/" + AzureConfig.EMULATOR_SUBSCRIPTION
                + "/resourceGroups/shared/providers/Microsoft.ContainerInstance/containerGroups/";
        String body = """
                {"location": "westus2", "tags": {"NodeName": "%s", "PodName": "orphan", "Namespace": "default"},
                 "properties": {"containers": [{"name": "app", "properties": {"image": "busybox",
                   "resources": {"requests": {"cpu": 1, "memoryInGB": 1.5}}}}]}}""".formatted(NODE);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "orphan?api-version="
                + ArmEmulator.API_VERSION)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        Await.until(WAIT, "the orphan deleted by the cleanup pass", () -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(base + "orphan?api-version="
                        + ArmEmulator.API_VERSION)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 404;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        assertTrue(provider.getPod("default", "owned").isPresent(), "the owned group stays");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "default-owned?api-version="
                + ArmEmulator.API_VERSION)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aGroupDeletedBehindTheProvidersBackFailsItsPodUntilThePodIsDeleted() throws Exception {
        ArmEmulator shared = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator());
        closing.add(shared);
        AzureProvider provider = provider(sharedConfig(shared));
        V1Pod pod = TestPods.pod("default", "vanishing", NODE);
        provider.createPod(pod);
        awaitNotified("vanishing", "Running");
        HttpResponse<String> delete = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                shared.endpoint() + "/subscriptions/" + AzureConfig.EMULATOR_SUBSCRIPTION + "/resourceGroups/shared"
                        + "/providers/Microsoft.ContainerInstance/containerGroups/default-vanishing?api-version="
                        + ArmEmulator.API_VERSION)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, delete.statusCode());
        V1Pod failed = awaitNotified("vanishing", "Failed");
        assertEquals("ContainerGroupMissing", failed.getStatus().getReason());
        assertTrue(failed.getStatus().getContainerStatuses().get(0).getState().getTerminated() != null);
        assertTrue(provider.getPod("default", "vanishing").isPresent(), "kept, Failed, until the host deletes it");
        provider.deletePod(pod);
        Await.until(WAIT, "forgotten once deleted", () -> provider.getPod("default", "vanishing").isEmpty());
    }

    @Test
    void aRestartedProviderAdoptsItsGroups() throws Exception {
        ArmEmulator shared = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator().withPageSize(1));
        closing.add(shared);
        Path config = sharedConfig(shared);
        AzureProvider first = provider(config);
        V1Pod kept = TestPods.pod("default", "kept", NODE);
        first.createPod(kept);
        first.createPod(TestPods.pod("default", "other", NODE));
        awaitNotified("kept", "Running");
        awaitNotified("other", "Running");
        first.close();

        AzureProvider second = provider(config);
        assertEquals(List.of("kept", "other"), second.getPods().stream().map(p -> p.getMetadata().getName())
                .sorted().toList(), "both groups adopted across list pages");
        assertEquals(kept.getMetadata().getUid(), second.getPod("default", "kept").orElseThrow().getMetadata().getUid());
        double creates = metrics.get("group.creates");
        second.createPod(kept);
        assertEquals(creates, metrics.get("group.creates"), "an adopted pod is not created again");
        second.deletePod(TestPods.pod("default", "other", NODE));
        Await.until(WAIT, "the deleted pod reported terminated and forgotten", () ->
                second.getPod("default", "other").isEmpty() && notified.get("other").getStatus()
                        .getContainerStatuses().get(0).getState().getTerminated() != null);
        assertFalse(second.getPod("default", "kept").isEmpty());
    }

    @Test
    void nodesStartingTogetherAdoptTheirOwnGroupsFromSharedListings() throws Exception {
        ArmEmulator shared = ArmEmulator.start(AzureConfig.load(TestConfigs.fast()).emulator());
        closing.add(shared);
        Path config = sharedConfig(shared);
        int nodes = 6;
        AzureProviderFactory before = new AzureProviderFactory();
        java.util.Map<String, List<String>> expected = TestPods.createdOnNodes(nodes,
                node -> provider(before, node, config)); // nodes 0 and 3 have none
        expected.values().stream().flatMap(List::stream).forEach(name -> awaitNotified(name, "Running"));

        AzureProviderFactory after = new AzureProviderFactory();
        var started = dev.vkubelet.provider.testkit.Together.run(expected.keySet(),
                node -> provider(after, node, config), java.time.Duration.ofSeconds(60));
        started.forEach((node, adopted) -> assertEquals(expected.get(node), adopted.getPods().stream()
                .map(p -> p.getMetadata().getName()).sorted().toList(), "the groups " + node + " adopted"));
    }
}
